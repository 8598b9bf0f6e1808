'use strict';
/**
 * The host side of the Apps-Engine, as Rocket.Chat provides it, reduced to what installing and running the
 * files-bot App touches: storage for the App's record and package, and the bridges the engine calls while
 * installing and enabling it and while the App works. HTTP does a real request; the UI and notification
 * bridges record what they are handed. Any other bridge method fails loudly, so an unexpected call shows.
 *
 * Requires the engine from the runtime copy (see runtime.js), never from node_modules.
 */
const crypto = require('crypto');
const path = require('path');

function hostFor(engineDir) {
    const engine = (module) => require(path.join(engineDir, module));
    const bridges = engine('server/bridges');
    const { AppMetadataStorage, AppLogStorage } = engine('server/storage');
    const { AppSourceStorage } = engine('server/storage/AppSourceStorage');

    /** A bridge the App never needs: every method call is an error naming it. */
    function unused(name) {
        return new Proxy(
            {},
            {
                get(_target, prop) {
                    if (prop === 'then') {
                        return undefined;
                    }
                    return () => {
                        throw new Error(`files-bot engine test: unexpected call to ${name}.${String(prop)}`);
                    };
                },
            },
        );
    }

    class MemoryMetadataStorage extends AppMetadataStorage {
        constructor() {
            super('files-bot-engine-test');
            this.items = new Map();
        }
        async create(item) {
            const created = { ...item, _id: item.id, createdAt: new Date(), updatedAt: new Date() };
            this.items.set(item.id, created);
            return created;
        }
        async retrieveOne(id) {
            return this.items.get(id) || null;
        }
        async retrieveAll() {
            return new Map(this.items);
        }
        async retrieveAllPrivate() {
            return new Map(this.items);
        }
        async update(item) {
            const updated = { ...item, updatedAt: new Date() };
            this.items.set(item.id, updated);
            return updated;
        }
        async remove(id) {
            this.items.delete(id);
            return { success: true };
        }
    }

    class MemorySourceStorage extends AppSourceStorage {
        constructor() {
            super();
            this.zips = new Map();
        }
        async store(item, zip) {
            this.zips.set(item.id, zip);
            return `memory:${item.id}`;
        }
        async fetch(item) {
            return this.zips.get(item.id);
        }
        async update(item, zip) {
            return this.store(item, zip);
        }
        async remove(item) {
            this.zips.delete(item.id);
        }
    }

    /** The App's log lines (its logger and the engine's console for it), kept for the test to read. */
    class MemoryLogStorage extends AppLogStorage {
        constructor() {
            super('files-bot-engine-test');
            this.entries = [];
        }
        async find() {
            return { logs: this.entries, total: this.entries.length };
        }
        async storeEntries(entry) {
            this.entries.push(entry);
            return entry;
        }
        async getEntriesFor(appId) {
            return this.entries.filter((e) => e.appId === appId);
        }
        async removeEntriesFor(appId) {
            this.entries = this.entries.filter((e) => e.appId !== appId);
        }
    }

    class Recorder {
        constructor() {
            this.events = [];
        }
        record(kind, data) {
            this.events.push({ kind, ...data });
        }
        take() {
            const events = this.events;
            this.events = [];
            return events;
        }
    }

    class HostHttpBridge extends bridges.HttpBridge {
        constructor(recorder) {
            super();
            this.recorder = recorder;
        }
        /**
         * A real request. Like Rocket.Chat's own HTTP bridge, it does not apply `request.timeout`: the App
         * must not rely on it, and bounds its own wait.
         */
        async call(info) {
            const { request } = info;
            try {
                const response = await fetch(info.url, {
                    method: info.method.toUpperCase(),
                    headers: request.headers,
                    body: request.content,
                });
                const content = await response.text();
                const type = (response.headers.get('content-type') || '').split(';')[0];
                let data = null;
                if (type === 'application/json') {
                    try {
                        data = JSON.parse(content);
                    } catch (_error) {
                        data = null;
                    }
                }
                this.recorder.record('http', { method: info.method, url: info.url, statusCode: response.status });
                return {
                    url: info.url,
                    method: info.method,
                    statusCode: response.status,
                    headers: Object.fromEntries(response.headers),
                    content,
                    data,
                };
            } catch (error) {
                this.recorder.record('http', { method: info.method, url: info.url, error: String(error) });
                throw error;
            }
        }
    }

    class HostUiInteractionBridge extends bridges.UiInteractionBridge {
        constructor(recorder, faults) {
            super();
            this.recorder = recorder;
            this.faults = faults;
        }
        async notifyUser(user, interaction, appId) {
            if (this.faults.ui) {
                // What Rocket.Chat's bridge does when it cannot deliver, e.g. for an App it doesn't know.
                throw new Error(this.faults.ui);
            }
            this.recorder.record('ui', { user: user.id, appId, interaction });
        }
    }

    class HostMessageBridge extends bridges.MessageBridge {
        constructor(recorder) {
            super();
            this.recorder = recorder;
        }
        async notifyUser(user, message, appId) {
            this.recorder.record('notification', { user: user.id, appId, message });
        }
    }

    class HostCommandBridge extends bridges.CommandBridge {
        constructor() {
            super();
            this.commands = new Map();
        }
        async doesCommandExist(command) {
            return this.commands.has(command);
        }
        async enableCommand(command) {
            this.commands.get(command).enabled = true;
        }
        async disableCommand(command) {
            this.commands.get(command).enabled = false;
        }
        async modifyCommand(command) {
            this.commands.set(command.command, { ...command, enabled: true });
        }
        async registerCommand(command) {
            this.commands.set(command.command, { ...command, enabled: true });
        }
        async unregisterCommand(command) {
            this.commands.delete(command);
        }
    }

    class HostUserBridge extends bridges.UserBridge {
        constructor(directory) {
            super();
            this.directory = directory;
            this.appUsers = new Map();
        }
        async getById(id) {
            return this.directory.user(id);
        }
        async getByUsername(username) {
            return this.directory.userByName(username);
        }
        async getAppUser(appId) {
            return appId ? this.appUsers.get(appId) : undefined;
        }
        async create(data, appId) {
            const id = `app-user-${appId}`;
            this.appUsers.set(appId, { ...data, id });
            return id;
        }
        async deleteUsersCreatedByApp(appId) {
            return this.appUsers.delete(appId);
        }
        async remove(user) {
            return this.appUsers.delete(user.appId);
        }
    }

    class HostActivationBridge extends bridges.AppActivationBridge {
        constructor(recorder) {
            super();
            this.recorder = recorder;
        }
        async appAdded() {}
        async appUpdated() {}
        async appRemoved() {}
        async appStatusChanged(app, status) {
            this.recorder.record('status', { appId: app.getID(), status });
        }
        async actionsChanged() {}
    }

    class HostDetailChangesBridge extends bridges.AppDetailChangesBridge {
        onAppSettingsChange() {}
    }

    class HostSchedulerBridge extends bridges.SchedulerBridge {
        async registerProcessors() {}
        async cancelAllJobs() {}
    }

    class HostApiBridge extends bridges.ApiBridge {
        async unregisterApis() {}
    }

    /** The workspace key pair the engine signs installed Apps with (Rocket.Chat's federation keys). */
    class HostFederationBridge {
        constructor() {
            const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
            this.privateKey = privateKey.export({ type: 'pkcs8', format: 'pem' });
            this.publicKey = publicKey.export({ type: 'spki', format: 'pem' });
        }
        async getPrivateKey() {
            return this.privateKey;
        }
        async getPublicKey() {
            return this.publicKey;
        }
    }

    class HostBridges extends bridges.AppBridges {
        constructor(directory, recorder, faults) {
            super();
            this.own = {
                http: new HostHttpBridge(recorder),
                ui: new HostUiInteractionBridge(recorder, faults),
                message: new HostMessageBridge(recorder),
                command: new HostCommandBridge(),
                user: new HostUserBridge(directory),
                activation: new HostActivationBridge(recorder),
                details: new HostDetailChangesBridge(),
                scheduler: new HostSchedulerBridge(),
                api: new HostApiBridge(),
                federation: new HostFederationBridge(),
            };
        }
        getHttpBridge() {
            return this.own.http;
        }
        getUiInteractionBridge() {
            return this.own.ui;
        }
        getMessageBridge() {
            return this.own.message;
        }
        getCommandBridge() {
            return this.own.command;
        }
        getUserBridge() {
            return this.own.user;
        }
        getAppActivationBridge() {
            return this.own.activation;
        }
        getAppDetailChangesBridge() {
            return this.own.details;
        }
        getSchedulerBridge() {
            return this.own.scheduler;
        }
        getApiBridge() {
            return this.own.api;
        }
        getInternalFederationBridge() {
            return this.own.federation;
        }
    }
    // Everything else Rocket.Chat provides: present (the engine builds accessors from them), never called.
    for (const name of [
        'getContactBridge',
        'getEnvironmentalVariableBridge',
        'getListenerBridge',
        'getLivechatBridge',
        'getPersistenceBridge',
        'getRoomBridge',
        'getInternalBridge',
        'getServerSettingBridge',
        'getUploadBridge',
        'getEmailBridge',
        'getCloudWorkspaceBridge',
        'getVideoConferenceBridge',
        'getOAuthAppsBridge',
        'getModerationBridge',
        'getThreadBridge',
        'getRoleBridge',
    ]) {
        const bridge = unused(name.replace(/^get/, ''));
        HostBridges.prototype[name] = () => bridge;
    }

    return { MemoryMetadataStorage, MemorySourceStorage, MemoryLogStorage, Recorder, HostBridges };
}

module.exports = { hostFor };
