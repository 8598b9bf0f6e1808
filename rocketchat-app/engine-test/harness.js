'use strict';
/**
 * Runs an App package in the real Apps-Engine server runtime (AppManager, its package parser and compiler,
 * the slash-command and listener managers, the Deno sandbox), as a Rocket.Chat server would.
 *
 * Driven over stdin/stdout, one JSON object per line: `{"id": 1, "op": "install", ...}` answers
 * `{"id": 1, "ok": true, "result": ..., "events": [...]}` (or `"ok": false, "error": "..."`). `events` is
 * everything the host was handed meanwhile: HTTP requests, UI interactions, notifications, status changes,
 * permission refusals and the App's log. Everything else the engine prints goes to stderr.
 *
 * Ops:
 * - `install {zip, users, rooms, settings, permissions?}`: upload the package as an admin does (granting the
 *   permissions it declares, or `permissions` when given), then set its settings.
 * - `command {user, room, text, triggerId}`: `/files text` typed by `user` in `room`.
 * - `interaction {user, body}`: what the Rocket.Chat client POSTs to /api/apps/ui.interaction/<appId>.
 * - `fault {ui}`: make the UI bridge fail with that message (null: deliver again).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const util = require('util');

const { prepareRuntime } = require('./runtime');
const { hostFor } = require('./host');

if (process.env.NODE_ENV === 'test') {
    // The engine skips every permission check when NODE_ENV is "test": that would prove nothing.
    process.stderr.write('files-bot engine test: NODE_ENV=test turns the engine permission checks off; unset it\n');
    process.exit(2);
}

// stdout carries the protocol only; whatever the engine logs goes to stderr.
const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
for (const level of ['log', 'info', 'debug', 'warn']) {
    console[level] = (...args) => process.stderr.write(`${util.format(...args)}\n`);
}

const { engineDir, version } = prepareRuntime();
const engine = (module) => require(path.join(engineDir, module));
const { AppManager } = engine('server/AppManager');
const { AppInterface } = engine('definition/metadata');
const { SlashCommandContext } = engine('definition/slashcommands/SlashCommandContext');
const { MemoryMetadataStorage, MemorySourceStorage, MemoryLogStorage, Recorder, HostBridges } = hostFor(engineDir);

const recorder = new Recorder();
const faults = { ui: null };
const users = new Map();
const rooms = new Map();
const directory = {
    user: (id) => users.get(id),
    userByName: (username) => [...users.values()].find((u) => u.username === username),
};

// Permission refusals are only reported on the console (the engine then skips the call silently).
const consoleError = console.error;
console.error = (...args) => {
    const missing = /lacks the following permissions:\s*\[([^\]]*)\]/.exec(util.format(...args));
    if (missing) {
        recorder.record('refused', { permissions: missing[1].split(',').map((name) => name.trim().replace(/"/g, '')) });
    }
    consoleError(...args);
};

const logStorage = new MemoryLogStorage();
const bridges = new HostBridges(directory, recorder, faults);
const manager = new AppManager({
    metadataStorage: new MemoryMetadataStorage(),
    logStorage,
    bridges,
    sourceStorage: new MemorySourceStorage(),
    tempFilePath: fs.mkdtempSync(path.join(os.tmpdir(), 'files-bot-engine-')),
});
let appId = null;
let logged = 0;

/** A user as Rocket.Chat's converter hands it to Apps. */
function appUser({ id, username }) {
    const now = new Date();
    return {
        id,
        username,
        name: username,
        emails: [],
        type: 'user',
        isEnabled: true,
        roles: ['user'],
        status: 'online',
        statusConnection: 'online',
        utcOffset: 0,
        createdAt: now,
        updatedAt: now,
        lastLoginAt: now,
    };
}

/** A room as Rocket.Chat's converter hands it to Apps (direct messages have no name). */
function appRoom({ id, name, type }, creator) {
    const now = new Date();
    return {
        id,
        slugifiedName: name || undefined,
        displayName: name || undefined,
        type,
        creator,
        isDefault: false,
        isReadOnly: false,
        displaySystemMessages: true,
        messageCount: 0,
        createdAt: now,
        updatedAt: now,
    };
}

async function install({ zip, users: people, rooms: places, settings, permissions }) {
    for (const person of people) {
        users.set(person.id, appUser(person));
    }
    const admin = users.get(people[0].id);
    for (const place of places) {
        rooms.set(place.id, appRoom(place, admin));
    }
    const buffer = fs.readFileSync(zip);
    const parsed = await manager.getParser().unpackageApp(buffer);
    // The upload dialog shows the permissions the App declares; the admin confirms exactly those.
    const granted = permissions === undefined ? parsed.info.permissions : permissions;
    const aff = await manager.add(buffer, { enable: true, permissionsGranted: granted, user: admin });
    const app = aff.getApp();
    if (!app) {
        throw new Error(`install refused: ${JSON.stringify(aff)}`);
    }
    appId = app.getID();
    for (const [id, value] of Object.entries(settings || {})) {
        const setting = { ...app.getStorageItem().settings[id], value };
        await manager.getSettingsManager().updateAppSetting(appId, setting);
    }
    return {
        appId,
        engine: version,
        status: await app.getStatus(),
        requiredApiVersion: parsed.info.requiredApiVersion,
        declared: parsed.info.permissions === undefined ? null : parsed.info.permissions.map((p) => p.name),
        granted: manager.getPermissionsById(appId).map((p) => p.name),
        commands: [...bridges.getCommandBridge().commands.keys()],
    };
}

async function command({ user, room, text, triggerId }) {
    // Rocket.Chat only hands the engine the commands an App registered with it through the command bridge.
    const registered = bridges.getCommandBridge().commands.get('files');
    if (!registered || !registered.enabled) {
        throw new Error('Rocket.Chat knows no /files command');
    }
    const sender = users.get(user);
    const context = new SlashCommandContext(sender, rooms.get(room), text.split(' ').filter(Boolean), undefined, triggerId);
    await manager.getCommandManager().executeCommand('files', context);
    return null;
}

/** As Rocket.Chat's /api/apps/ui.interaction/:appId route turns the client's POST into an engine event. */
async function interaction({ user, body }) {
    const person = users.get(user);
    let event;
    if (body.type === 'blockAction') {
        const { type, actionId, triggerId, rid, payload, container } = body;
        // `mid` names a message; the ephemeral notifications this App sends are not stored, so there is none.
        event = { type, container, appId, actionId, message: undefined, triggerId, payload, user: person, room: rooms.get(rid) };
    } else if (body.type === 'viewClosed') {
        const { type, actionId, payload } = body;
        event = { type, appId, actionId, user: person, payload: { view: payload.view, isCleared: payload.isCleared } };
    } else {
        throw new Error(`unsupported interaction type ${body.type}`);
    }
    const result = await manager.getListenerManager().executeListener(AppInterface.IUIKitInteractionHandler, event);
    return result === undefined ? null : result;
}

const ops = {
    install,
    command,
    interaction,
    fault: async ({ ui }) => {
        faults.ui = ui;
        return null;
    },
};

function appLog() {
    const entries = logStorage.entries.slice(logged);
    logged = logStorage.entries.length;
    return entries.flatMap((entry) =>
        (entry.entries || []).map((line) => ({ kind: 'log', severity: line.severity, args: line.args, method: entry.method })),
    );
}

function describe(error) {
    if (error instanceof Error) {
        return error.stack || String(error);
    }
    return typeof error === 'object' ? JSON.stringify(error) : String(error);
}

async function handle(line) {
    const { id, op, ...args } = JSON.parse(line);
    try {
        if (!ops[op]) {
            throw new Error(`unknown op ${op}`);
        }
        const result = await ops[op](args);
        reply({ id, ok: true, result, events: [...recorder.take(), ...appLog()] });
    } catch (error) {
        reply({ id, ok: false, error: describe(error), events: [...recorder.take(), ...appLog()] });
    }
}

async function main() {
    await manager.load();
    reply({ id: 0, ok: true, result: { engine: version } });
    const lines = readline.createInterface({ input: process.stdin });
    for await (const line of lines) {
        if (line.trim()) {
            await handle(line);
        }
    }
    await manager.unload(true);
    process.exit(0);
}

main().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
});
