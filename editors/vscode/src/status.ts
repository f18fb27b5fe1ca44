/**
 * The status-bar item: the server's state, how many vetline findings the active file has, and
 * how many findings were first seen in AI-inserted code this week (from the server's metrics).
 * Clicking it opens the output channel, where the reason for any failure is logged.
 */
import * as vscode from 'vscode';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

const ICONS: Record<ServerState, string> = {
    starting: '$(sync~spin)',
    running: '$(shield)',
    stopped: '$(circle-slash)',
    failed: '$(error)',
};

/** What the server's `vetline.metricsSummary` command answers. */
export interface MetricsSummary {
    insertedThisWeek: number;
    thisWeek: number;
    text: string;
    enabled: boolean;
}

export class StatusItem implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem('vetline.status', vscode.StatusBarAlignment.Right, 100);
    private state: ServerState = 'stopped';
    private metrics: MetricsSummary | undefined;

    constructor() {
        this.item.name = 'vetline';
        this.item.command = 'vetline.showOutput';
        this.refresh();
        this.item.show();
    }

    get current(): ServerState {
        return this.state;
    }

    setState(state: ServerState): void {
        this.state = state;
        this.refresh();
    }

    setMetrics(metrics: MetricsSummary | undefined): void {
        this.metrics = metrics;
        this.refresh();
    }

    /** Recounts the active file's findings; called whenever diagnostics or the editor change. */
    refresh(): void {
        const document = vscode.window.activeTextEditor?.document;
        const findings = document ? countFindings(document.uri) : 0;
        const count = this.state === 'running' && document ? ` ${findings}` : '';
        const inserted = this.state === 'running' && this.metrics?.insertedThisWeek ? ` · AI ${this.metrics.insertedThisWeek}` : '';
        this.item.text = `${ICONS[this.state]} vetline${count}${inserted}`;
        const week = this.state === 'running' && this.metrics?.enabled ? ` ${this.metrics.text}.` : '';
        this.item.tooltip = tooltip(this.state, findings, document) + week;
        this.item.backgroundColor =
            this.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }

    dispose(): void {
        this.item.dispose();
    }
}

export function countFindings(uri: vscode.Uri): number {
    return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'vetline').length;
}

function tooltip(state: ServerState, findings: number, document?: vscode.TextDocument): string {
    if (state !== 'running') {
        return `vetline server: ${state}. Click for the output.`;
    }
    const file = document ? vscode.workspace.asRelativePath(document.uri) : 'no file';
    return `vetline server: running. ${findings} finding${findings === 1 ? '' : 's'} in ${file}.`;
}
