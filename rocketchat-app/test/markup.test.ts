/**
 * The bot's report answers read by Rocket.Chat's own message parser (`@rocket.chat/message-parser`, which
 * renders UIKit `mrkdwn` in the client): names of files, rooms and people must come out as text. The answer
 * is the bot's, pinned in bot/platforms/rocketchat/protocol/fixtures/answer.report.json (the bot's tests check that it
 * is what the bot renders), and every name in it is hostile: `<!channel>`, `<url|label>`, `@all`, `[t](url)`, `_@all_`.
 */
import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { test } from 'node:test';

import { parse } from '@rocket.chat/message-parser';

const PROTOCOL = join(__dirname, '..', '..', '..', 'bot', 'platforms', 'rocketchat', 'protocol');
const answer = JSON.parse(readFileSync(join(PROTOCOL, 'fixtures', 'answer.report.json'), 'utf8'));

type Node = { type?: string; value?: unknown; [key: string]: unknown };

function textObjects(node: unknown, found: Array<{ type: string; text: string }> = []): Array<{ type: string; text: string }> {
    if (Array.isArray(node)) {
        node.forEach((item) => textObjects(item, found));
    } else if (node && typeof node === 'object') {
        const object = node as { [key: string]: unknown };
        if ((object.type === 'mrkdwn' || object.type === 'plain_text') && typeof object.text === 'string') {
            found.push({ type: object.type, text: object.text });
        }
        Object.values(object).forEach((value) => textObjects(value, found));
    }
    return found;
}

/** Every node type the parser produced, and every link's target. */
function walk(node: unknown, types: string[], links: string[]): void {
    if (Array.isArray(node)) {
        node.forEach((item) => walk(item, types, links));
        return;
    }
    if (!node || typeof node !== 'object') {
        return;
    }
    const n = node as Node;
    if (typeof n.type === 'string') {
        types.push(n.type);
        if (n.type === 'LINK') {
            links.push(String(((n.value as Node).src as Node).value));
        }
    }
    Object.values(n).forEach((value) => walk(value, types, links));
}

test('names in a report are text: the only links are the files\' own, and there is no mention', () => {
    const mrkdwn = textObjects(answer.blocks).filter((t) => t.type === 'mrkdwn');
    const types: string[] = [];
    const links: string[] = [];
    mrkdwn.forEach((t) => walk(parse(t.text, { emoticons: false }), types, links));
    const markup = new Set(types);
    for (const forbidden of ['MENTION_USER', 'MENTION_CHANNEL', 'IMAGE', 'ITALIC', 'STRIKE', 'INLINE_CODE', 'SPOILER', 'TIMESTAMP', 'EMOJI']) {
        assert.ok(!markup.has(forbidden), `${forbidden} in ${JSON.stringify(mrkdwn)}`);
    }
    assert.equal(links.length, 12); // six files, each in the largest files and the cleanup candidates
    for (const link of links) {
        assert.match(link, /^http:\/\/chat\.example\/file-upload\/rcF\d\/[^\s()<>|\[\]]*$/);
    }
});

test('the names are all there, as the parser shows them', () => {
    const labels: string[] = [];
    for (const t of textObjects(answer.blocks).filter((o) => o.type === 'mrkdwn')) {
        for (const paragraph of parse(t.text, { emoticons: false }) as Node[]) {
            const found: string[] = [];
            collectLabels(paragraph, found);
            labels.push(...found);
        }
    }
    assert.ok(labels.some((label) => label.includes('evil.example')), JSON.stringify(labels));
    assert.ok(labels.some((label) => label.includes('all')), JSON.stringify(labels));
});

function collectLabels(node: unknown, found: string[]): void {
    if (Array.isArray(node)) {
        node.forEach((item) => collectLabels(item, found));
    } else if (node && typeof node === 'object') {
        const n = node as Node;
        if (n.type === 'LINK') {
            const label = (n.value as Node).label as Node[];
            assert.ok(label.every((part) => part.type === 'PLAIN_TEXT'), JSON.stringify(label));
            found.push(label.map((part) => String(part.value)).join(''));
        }
        Object.values(n).forEach((value) => collectLabels(value, found));
    }
}
