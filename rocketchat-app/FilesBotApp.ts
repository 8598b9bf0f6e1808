import {
    IAppAccessors,
    IConfigurationExtend,
    IHttp,
    ILogger,
    IModify,
    IPersistence,
    IRead,
} from '@rocket.chat/apps-engine/definition/accessors';
import { App } from '@rocket.chat/apps-engine/definition/App';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { SettingType } from '@rocket.chat/apps-engine/definition/settings';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';
import {
    IUIKitInteractionHandler,
    IUIKitResponse,
    UIKitBlockInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';
import { UIKitSurfaceType } from '@rocket.chat/apps-engine/definition/uikit/IUIKitSurface';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import {
    actionBody,
    ActionBody,
    Answer,
    commandBody,
    CommandBody,
    parseAnswer,
    REQUEST_TIMEOUT_MS,
    signedRequest,
    stampBlocks,
    UNREACHABLE,
    VIEW_ID,
    within,
    withoutControls,
} from './src/bridge';

const SETTING_URL = 'bot_url';
const SETTING_SECRET = 'shared_secret';

/**
 * files-bot for Rocket.Chat: registers `/files` and forwards each command and button click, signed, to the
 * files-bot service, then shows its answer to the invoking user only. All decisions happen in the service.
 */
export class FilesBotApp extends App implements IUIKitInteractionHandler {
    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
    }

    public async executeBlockActionHandler(
        context: UIKitBlockInteractionContext,
        read: IRead,
        http: IHttp,
        _persistence: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        const body = actionBody(data.user, data.room, data);
        const answer = await this.forward(read, http, '/rocketchat/action', body);
        if (answer && answer.surface === 'contextualBar') {
            // Prev / Next / Type: replace the contextual bar's content in place.
            return context.getInteractionResponder().updateContextualBarViewResponse({
                id: VIEW_ID,
                title: { type: 'plain_text', text: answer.title },
                blocks: stampBlocks(answer.blocks, this.getID()),
            });
        }
        if (!answer || answer.surface !== 'none') {
            await this.notify(modify, data.user, data.room, answer);
        }
        return context.getInteractionResponder().successResponse();
    }

    /** Sends one signed request to the bot; null when it can't be reached or answers nonsense. */
    public async forward(read: IRead, http: IHttp, path: string, body: CommandBody | ActionBody): Promise<Answer | null> {
        const settings = read.getEnvironmentReader().getSettings();
        const url = String(await settings.getValueById(SETTING_URL) || '').replace(/\/+$/, '');
        const secret = String(await settings.getValueById(SETTING_SECRET) || '');
        if (!url || !secret) {
            this.getLogger().error('files-bot URL or shared secret is not set in the app settings');
            return null;
        }
        const request = signedRequest(secret, body, Date.now());
        try {
            const response = await within(REQUEST_TIMEOUT_MS, http.post(url + path, {
                content: request.content,
                headers: request.headers,
                timeout: REQUEST_TIMEOUT_MS,
            }));
            if (!response) {
                this.getLogger().error(`files-bot did not answer within ${REQUEST_TIMEOUT_MS} ms`);
                return null;
            }
            if (response.statusCode !== 200) {
                this.getLogger().error(`files-bot answered HTTP ${response.statusCode}`);
                return null;
            }
            return parseAnswer(response.data);
        } catch (error) {
            this.getLogger().error('files-bot request failed', error);
            return null;
        }
    }

    /** A short message only `user` sees (also used when the bot can't be reached). */
    public async notify(modify: IModify, user: IUser, room: IRoom | undefined, answer: Answer | null): Promise<void> {
        if (!room) {
            return;
        }
        const message = modify.getCreator().startMessage()
            .setRoom(room)
            .setText(answer ? answer.text : UNREACHABLE)
            .getMessage();
        if (answer) {
            message.blocks = stampBlocks(answer.blocks, this.getID());
        }
        await modify.getNotifier().notifyUser(user, message);
    }

    protected async extendConfiguration(configuration: IConfigurationExtend): Promise<void> {
        await configuration.settings.provideSetting({
            id: SETTING_URL,
            type: SettingType.STRING,
            packageValue: '',
            required: true,
            public: false,
            i18nLabel: 'bot_url',
            i18nDescription: 'bot_url_description',
        });
        await configuration.settings.provideSetting({
            id: SETTING_SECRET,
            type: SettingType.PASSWORD,
            packageValue: '',
            required: true,
            public: false,
            i18nLabel: 'shared_secret',
            i18nDescription: 'shared_secret_description',
        });
        await configuration.slashCommands.provideSlashCommand(new FilesCommand(this));
    }
}

class FilesCommand implements ISlashCommand {
    public command = 'files';
    public i18nParamsExample = 'files_params';
    public i18nDescription = 'files_description';
    public providesPreview = false;

    constructor(private readonly app: FilesBotApp) {}

    public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp): Promise<void> {
        const user = context.getSender();
        const room = context.getRoom();
        const triggerId = context.getTriggerId();
        const body = commandBody(user, room, context.getArguments(), triggerId);
        const answer = await this.app.forward(read, http, '/rocketchat/command', body);
        if (answer && answer.surface === 'contextualBar' && triggerId) {
            try {
                await modify.getUiController().openSurfaceView({
                    id: VIEW_ID,
                    type: UIKitSurfaceType.CONTEXTUAL_BAR,
                    title: { type: 'plain_text', text: answer.title },
                    blocks: stampBlocks(answer.blocks, this.app.getID()),
                }, { triggerId }, user);
                return;
            } catch (error) {
                // The person still gets the first page, as a notification without the controls it can't drive.
                this.app.getLogger().error('could not open the contextual bar', error);
                await this.app.notify(modify, user, room, { ...answer, blocks: withoutControls(answer.blocks) });
                return;
            }
        }
        if (!answer || answer.surface !== 'none') {
            await this.app.notify(modify, user, room, answer);
        }
    }
}
