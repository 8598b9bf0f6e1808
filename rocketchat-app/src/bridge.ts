/**
 * The bridge between Rocket.Chat and the files-bot service: no business logic, only the wire protocol.
 *
 * The protocol is pinned in bot/platforms/rocketchat/protocol/ (JSON schema + fixtures) in the files-bot repository;
 * this app's tests load the same fixtures as the bot's, so both sides sign and read the same bytes.
 */
import { createHmac } from 'crypto';

import type { LayoutBlock } from '@rocket.chat/ui-kit';

export const TIMESTAMP_HEADER = 'X-FilesBot-Request-Timestamp';
export const SIGNATURE_HEADER = 'X-FilesBot-Signature';
export const VIEW_ID = 'files-bot-files';
export const REQUEST_TIMEOUT_MS = 10000;

export type RoomType = 'c' | 'p' | 'd' | 'l';

export interface BridgeUser {
    id: string;
    username: string;
}

export interface BridgeRoom {
    id: string;
    name: string | null;
    type: RoomType;
}

export interface CommandBody {
    user: BridgeUser;
    room: BridgeRoom;
    text: string;
    triggerId: string | null;
}

export interface ActionBody {
    user: BridgeUser;
    room: BridgeRoom | null;
    actionId: string;
    blockId: string | null;
    value: string | null;
    triggerId: string | null;
}

/** An interactive element as the bot sends it: this App adds `appId` and its block's `blockId` itself. */
type Unstamped<E> = E extends unknown ? Omit<E, 'appId' | 'blockId'> & { appId?: string; blockId?: string } : never;

/** A @rocket.chat/ui-kit block as the bot sends it; actions blocks need the `blockId` their elements get. */
type Unstamp<B> = B extends { type: 'actions'; elements: readonly (infer E)[] }
    ? Omit<B, 'elements' | 'blockId'> & { blockId: string; elements: readonly Unstamped<E>[] }
    : B;
export type BotBlock = Unstamp<LayoutBlock>;

/**
 * The bot's answer. The bot's test suite type-checks every kind of block it can render as `BotBlock`
 * (tests/test_rocketchat_uikit_types.py), so stamping makes them @rocket.chat/ui-kit `LayoutBlock`s.
 * `none`: nothing to show (a click on a link button, which the client also opens itself).
 */
export interface Answer {
    text: string;
    title: string;
    blocks: BotBlock[];
    surface: 'contextualBar' | 'notification' | 'none';
}

const SURFACES: ReadonlyArray<Answer['surface']> = ['contextualBar', 'notification', 'none'];

export interface SignedRequest {
    content: string;
    headers: { [name: string]: string };
}

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, exactly as the bot verifies it. */
export function sign(secret: string, timestamp: string, body: string): string {
    return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`, 'utf8').digest('hex');
}

/** The body serialized once, and the headers signing those exact bytes. */
export function signedRequest(secret: string, body: CommandBody | ActionBody, nowMs: number): SignedRequest {
    const content = JSON.stringify(body);
    const timestamp = String(Math.floor(nowMs / 1000));
    return {
        content,
        headers: {
            'Content-Type': 'application/json',
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: sign(secret, timestamp, content),
        },
    };
}

/** Rocket.Chat's room type letter; anything unknown is sent as a public channel would be refused anyway. */
export function roomType(type: string | undefined): RoomType {
    return type === 'p' || type === 'd' || type === 'l' ? type : 'c';
}

export function commandBody(
    user: { id: string; username: string },
    room: { id: string; slugifiedName?: string; displayName?: string; type?: string },
    args: string[],
    triggerId?: string,
): CommandBody {
    return {
        user: { id: user.id, username: user.username },
        room: { id: room.id, name: room.slugifiedName || room.displayName || null, type: roomType(room.type) },
        text: args.join(' '),
        triggerId: triggerId || null,
    };
}

export function actionBody(
    user: { id: string; username: string },
    room: { id: string; slugifiedName?: string; displayName?: string; type?: string } | undefined,
    data: { actionId: string; blockId?: string; value?: string; triggerId?: string },
): ActionBody {
    return {
        user: { id: user.id, username: user.username },
        room: room ? { id: room.id, name: room.slugifiedName || room.displayName || null, type: roomType(room.type) } : null,
        actionId: data.actionId,
        blockId: data.blockId || null,
        value: data.value === undefined ? null : data.value,
        triggerId: data.triggerId || null,
    };
}

/** The bot's answer if it has the protocol's shape, else null (shown to the user as "unreachable"). */
export function parseAnswer(raw: unknown): Answer | null {
    if (!raw || typeof raw !== 'object') {
        return null;
    }
    const answer = raw as { [key: string]: unknown };
    if (typeof answer.text !== 'string' || !Array.isArray(answer.blocks)) {
        return null;
    }
    const surface = SURFACES.find((known) => known === answer.surface);
    if (!surface) {
        return null;
    }
    const blocks = answer.blocks.filter((b): b is BotBlock => !!b && typeof b === 'object' && typeof b.type === 'string');
    return {
        text: answer.text,
        title: typeof answer.title === 'string' ? answer.title : 'Files',
        blocks,
        surface,
    };
}

/** Copies of the blocks with this app's id on every interactive element, so clicks come back to us. */
export function stampBlocks(blocks: BotBlock[], appId: string): LayoutBlock[] {
    return blocks.map((block): LayoutBlock => {
        if (block.type !== 'actions') {
            return { ...block } as LayoutBlock;
        }
        const { blockId } = block;
        // Exactly what `Unstamp` took away: every element now has the App's id and its block's id.
        return { ...block, elements: block.elements.map((element) => ({ ...element, appId, blockId })) } as LayoutBlock;
    });
}

/** The blocks without their buttons and menus: for a notification standing in for the contextual bar they drive. */
export function withoutControls(blocks: BotBlock[]): BotBlock[] {
    return blocks.filter((block) => block.type !== 'actions');
}

/**
 * `work`, or null once `ms` have passed. Rocket.Chat's HTTP bridge does not apply a request's `timeout`, and
 * the engine abandons an App call after 30 s, leaving the person with nothing; this bounds our own wait.
 */
export function within<T>(ms: number, work: Promise<T>): Promise<T | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expiry = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), ms);
    });
    return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}

export const UNREACHABLE = 'files-bot could not be reached just now. Please try again in a minute.';
