import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { test } from 'node:test';

import {
    actionBody,
    commandBody,
    parseAnswer,
    sign,
    SIGNATURE_HEADER,
    signedRequest,
    stampBlocks,
    TIMESTAMP_HEADER,
    within,
    withoutControls,
} from '../src/bridge';

// The protocol's single definition lives with the bot; both sides' tests load these same files.
const PROTOCOL = join(__dirname, '..', '..', '..', 'bot', 'platforms', 'rocketchat', 'protocol');
const fixture = (name: string): any => JSON.parse(readFileSync(join(PROTOCOL, 'fixtures', name), 'utf8'));

test('signs exactly as the bot verifies (shared signature vector)', () => {
    const vector = fixture('signature.json');
    assert.equal(sign(vector.secret, vector.timestamp, vector.body), vector.signature);
});

test('serializes the command body byte for byte as the signed fixture', () => {
    const vector = fixture('signature.json');
    const cmd = fixture('command.json');
    const body = commandBody(cmd.user, { id: cmd.room.id, slugifiedName: cmd.room.name, type: cmd.room.type },
        cmd.text.split(' '), cmd.triggerId);
    assert.deepEqual(body, cmd);
    const request = signedRequest(vector.secret, body, Number(vector.timestamp) * 1000);
    assert.equal(request.content, vector.body);
    assert.equal(request.headers[TIMESTAMP_HEADER], vector.timestamp);
    assert.equal(request.headers[SIGNATURE_HEADER], vector.signature);
});

test('builds action bodies with the fixture fields', () => {
    const act = fixture('action.json');
    const body = actionBody(act.user, { id: act.room.id, slugifiedName: act.room.name, type: act.room.type }, act);
    assert.deepEqual(body, act);
    assert.equal(actionBody(act.user, undefined, { actionId: 'files_next' }).room, null);
});

test('reads both answer fixtures and refuses anything else', () => {
    const listing = parseAnswer(fixture('answer.listing.json'));
    assert.ok(listing);
    assert.equal(listing.surface, 'contextualBar');
    assert.equal(listing.title, 'Files');
    assert.equal(parseAnswer(fixture('answer.notice.json'))?.surface, 'notification');
    assert.equal(parseAnswer(fixture('answer.none.json'))?.surface, 'none');
    for (const bad of [null, 'x', 1, {}, { text: 'a', blocks: [] }, { text: 'a', blocks: 'b', surface: 'notification' },
        { text: 'a', blocks: [], surface: 'modal' }]) {
        assert.equal(parseAnswer(bad), null);
    }
});

test('stamps the app id on interactive elements only, without mutating the answer', () => {
    const answer = fixture('answer.listing.json');
    const before = JSON.stringify(answer.blocks);
    const stamped = stampBlocks(answer.blocks, 'app-123');
    assert.equal(JSON.stringify(answer.blocks), before);
    const actions = stamped.find((b) => b.type === 'actions') as any;
    for (const element of actions.elements) {
        assert.equal(element.appId, 'app-123');
        assert.equal(element.blockId, actions.blockId);
    }
    const section = stamped.find((b) => b.type === 'section') as any;
    assert.equal(section.appId, undefined);
});

test('unknown room types are sent as channels, known ones as they are', () => {
    for (const type of ['c', 'p', 'd', 'l']) {
        assert.equal(commandBody({ id: 'u', username: 'x' }, { id: 'r', type }, []).room.type, type);
    }
    assert.equal(commandBody({ id: 'u', username: 'x' }, { id: 'r', type: 'zz' }, []).room.type, 'c');
});

test('a notification standing in for the contextual bar keeps every block but the controls', () => {
    const blocks = fixture('answer.listing.json').blocks;
    const kept = withoutControls(blocks);
    assert.deepEqual(kept.map((b) => b.type), blocks.filter((b: any) => b.type !== 'actions').map((b: any) => b.type));
    assert.ok(kept.length > 0 && kept.length < blocks.length);
});

test('within: the answer when it comes in time, null when it does not', async () => {
    assert.equal(await within(1000, Promise.resolve('answer')), 'answer');
    assert.equal(await within(1, new Promise(() => undefined)), null);
    await assert.rejects(within(1000, Promise.reject(new Error('refused'))), /refused/);
});
