/**
 * Owns the language client's life cycle: pick the launch command, pre-flight it, start,
 * restart, stop, and forward settings. Settings travel three ways, as the server expects
 * them: `initializationOptions.vetline`, answers to `workspace/configuration` (section
 * `vetline`), and `workspace/didChangeConfiguration` pushes when the user edits them.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import {
    CloseAction,
    CloseHandlerResult,
    DidChangeConfigurationNotification,
    DocumentDiagnosticRequest,
    ErrorAction,
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    State,
} from 'vscode-languageclient/node';
import { FILE_PATTERNS, PARSED_LANGUAGES } from './fileTypes';
import { cannotStartMessage, chooseLaunch, probe, serveArgv, ServerLaunch, workspaceVetline } from './launch';
import { activeInterpreter } from './python';
import { launchSettings, SECTION, serverSettings } from './settings';
import { MetricsSummary, StatusItem } from './status';

/** Every file `vetline scan` reads (by name: VS Code has no language id for Terraform, TOML,
 * `.properties`, ... without extensions), and the parsed languages in any file or new buffer.
 * The lists are generated from rules/languages.py (scripts/sync_editor_file_types.py). */
export const DOCUMENT_SELECTOR = [
    ...FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
    ...PARSED_LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
    ]),
    // Jupyter notebook cells: synced through the server's `notebookDocumentSync` (one
    // notebookDocument/* stream per notebook); listed here so diagnostics, hover and code actions
    // apply to the cells. Markdown cells are read for secrets only.
    { scheme: 'vscode-notebook-cell', language: 'python' },
    { scheme: 'vscode-notebook-cell', language: 'markdown' },
];

/** After this many crashes in CRASH_WINDOW_MS the server stays down and the user is told once. */
const MAX_CRASHES = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

export class ServerController implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private crashes: number[] = [];

    constructor(
        private readonly output: vscode.LogOutputChannel,
        private readonly status: StatusItem,
        private readonly keys: string[],
    ) {}

    async start(): Promise<void> {
        const folder = vscode.workspace.workspaceFolders?.[0];
        const launch = chooseLaunch(
            launchSettings(folder),
            await activeInterpreter(folder?.uri),
            workspaceVetline(folder?.uri.fsPath),
        );
        this.output.info(`Server command: ${serveArgv(launch).join(' ')} (from ${launch.origin})`);
        this.status.setState('starting');
        const reason = await probe(launch, folder?.uri.fsPath);
        if (reason) {
            return this.failed(launch, reason);
        }
        this.client = this.createClient(launch, folder);
        this.client.onDidChangeState((event) => this.onState(event.newState));
        try {
            await this.client.start();
        } catch (error) {
            this.client = undefined;
            this.failed(launch, error instanceof Error ? error.message : String(error));
        }
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client) {
            await client.stop().catch((error) => this.output.warn(`Stopping the server: ${error}`));
        }
        this.status.setState('stopped');
    }

    async restart(): Promise<void> {
        this.output.info('Restarting the server');
        await this.stop();
        await this.start();
    }

    /** Pushes the current settings; launch settings are handled by the caller with a restart. */
    async pushSettings(): Promise<void> {
        if (this.client?.isRunning()) {
            const settings = { [SECTION]: serverSettings(this.keys) };
            this.output.info(`Settings changed: ${JSON.stringify(settings[SECTION])}`);
            await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings });
        }
    }

    async scanWorkspace(): Promise<void> {
        if (this.running()) {
            await this.client!.sendRequest(ExecuteCommandRequest.type, { command: 'vetline.scanWorkspace', arguments: [] });
        }
    }

    /** `vetline: Show Report`: the server writes the HTML metrics report; it opens in a webview
     * (the page needs no scripts, so they stay disabled). */
    async showReport(): Promise<void> {
        if (!this.running()) {
            return;
        }
        const written = (await this.client!.sendRequest(ExecuteCommandRequest.type, {
            command: 'vetline.writeReport',
            arguments: [],
        })) as { path?: string } | null;
        if (!written?.path) {
            void vscode.window.showWarningMessage('vetline: the server wrote no report.');
            return;
        }
        const panel = vscode.window.createWebviewPanel('vetline.report', 'vetline report', vscode.ViewColumn.Active, {
            enableScripts: false,
        });
        panel.webview.html = await fs.readFile(written.path, 'utf8');
    }

    /** The status bar's "findings in AI-inserted code this week", or undefined when unknown. */
    async metricsSummary(): Promise<MetricsSummary | undefined> {
        if (!this.client?.isRunning()) {
            return undefined;
        }
        try {
            const summary = (await this.client.sendRequest(ExecuteCommandRequest.type, {
                command: 'vetline.metricsSummary',
                arguments: [],
            })) as MetricsSummary | null;
            return summary ?? undefined;
        } catch {
            return undefined; // an older server without metrics: the status bar simply says less
        }
    }

    /** The trigger of `"vetline.run": "manual"`: analyse the active file now. */
    async analyzeFile(): Promise<void> {
        const document = vscode.window.activeTextEditor?.document;
        if (!document) {
            void vscode.window.showInformationMessage('vetline: open a file to analyse it.');
            return;
        }
        if (!this.running()) {
            return;
        }
        const client = this.client!;
        const uri = client.code2ProtocolConverter.asUri(document.uri);
        await client.sendRequest(ExecuteCommandRequest.type, { command: 'vetline.analyzeDocument', arguments: [uri] });
        // With pull diagnostics the server keeps the result until asked: ask now.
        client.getFeature(DocumentDiagnosticRequest.method)?.getProvider(document)?.onDidChangeDiagnosticsEmitter.fire();
    }

    /** True when a command can reach the server; otherwise says so to the user. */
    private running(): boolean {
        if (this.client?.isRunning()) {
            return true;
        }
        void vscode.window
            .showWarningMessage('vetline: the language server is not running.', 'Show Output')
            .then((choice) => choice && this.output.show());
        return false;
    }

    dispose(): void {
        void this.stop();
    }

    private createClient(launch: ServerLaunch, folder?: vscode.WorkspaceFolder): LanguageClient {
        const [command, ...args] = serveArgv(launch);
        const options: LanguageClientOptions = {
            documentSelector: DOCUMENT_SELECTOR,
            outputChannel: this.output,
            revealOutputChannelOn: RevealOutputChannelOn.Never,
            initializationOptions: { [SECTION]: serverSettings(this.keys, folder) },
            errorHandler: {
                error: () => ({ action: ErrorAction.Continue }),
                closed: () => this.onClosed(),
            },
            middleware: {
                workspace: {
                    configuration: async (params, token, next) => {
                        const answers = await next(params, token);
                        if (!Array.isArray(answers)) {
                            return answers;
                        }
                        return params.items.map((item, index) =>
                            item.section === SECTION
                                ? serverSettings(this.keys, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : folder)
                                : answers[index],
                        );
                    },
                },
            },
        };
        const cwd = folder?.uri.fsPath;
        return new LanguageClient('vetline', 'vetline', { command, args, options: { cwd } }, options);
    }

    private onState(state: State): void {
        const names: Record<State, 'starting' | 'running' | 'stopped'> = {
            [State.Starting]: 'starting',
            [State.Running]: 'running',
            [State.Stopped]: 'stopped',
        };
        this.output.info(`Server state: ${names[state]}`);
        // A server given up on after crashing stays "failed" when the client reports it stopped.
        if (!(names[state] === 'stopped' && this.status.current === 'failed')) {
            this.status.setState(names[state]);
        }
    }

    /** Restarts a crashed server a few times, then gives up with a single notification. */
    private onClosed(): CloseHandlerResult {
        const now = Date.now();
        this.crashes = [...this.crashes.filter((time) => now - time < CRASH_WINDOW_MS), now];
        if (this.crashes.length <= MAX_CRASHES) {
            return { action: CloseAction.Restart, handled: true };
        }
        this.status.setState('failed');
        const message = `vetline: the language server stopped ${this.crashes.length} times in a few minutes and will not be restarted. See the output for its error, then run "vetline: Restart Server".`;
        void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => choice && this.output.show());
        return { action: CloseAction.DoNotRestart, handled: true };
    }

    /** Not awaited by start(): a notification left open must not block activation. */
    private failed(launch: ServerLaunch, reason: string): void {
        const message = cannotStartMessage(launch, reason);
        this.output.error(message);
        this.status.setState('failed');
        void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output').then((choice) => {
            if (choice === 'Open Settings') {
                void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:vetline.vetline');
            } else if (choice === 'Show Output') {
                this.output.show();
            }
        });
    }
}
