// Drives VS Code (code-server) in headless Chromium for tests/editors/test_vscode.py.
//
// Usage: node vscode_driver.mjs <config.json>. The config names the workbench URL, the file to
// open, the line:column of the finding, the artifacts directory and the scenario:
//   "quickfix"  wait for vetline findings in the Problems panel, apply the quick fix, save;
//   "settings"  wait for the finding, add its rule to `vetline.ignore` in the folder's
//               .vscode/settings.json and wait for the finding to leave the Problems panel;
//   "manual"    with `"vetline.run": "manual"`: a vulnerable line typed in is not reported
//               until the "vetline: Analyze Current File" command;
//   "scan"      run "vetline: Scan Workspace" and wait for a finding in a file never opened;
//   "report"    once the server is up, run "vetline: Show Report" and read the webview's page;
//   "notebook"  open a Jupyter notebook and wait for a vetline finding on one of its cells;
//   "aistatus"  insert a vulnerable three-line block in one edit (as an accepted suggestion or
//               a paste) and wait for the status bar to count a finding in AI-inserted code;
//   "inline"    with the test's inline-completion extension installed: trigger an inline
//               suggestion at the end of the file, accept it with Tab
//               (`editor.action.inlineSuggest.commit`) and wait for the status bar to count it;
//   "findings"  open each of `files` in turn and wait until the Problems panel lists a
//               finding of the rule for each (files VS Code has no language for, such as `.tf`);
//   "notify"    wait for the "could not start" notification.
// It prints one JSON line of observations and exits 0; any failure exits 1 with the reason,
// after saving a screenshot so a red CI run shows what the page looked like.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(join(config.nodeModulesRoot, 'package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM_FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
];

function log(message) {
    process.stderr.write(`[driver ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs a workbench command through the command palette (F1), as a user would. */
async function runCommand(page, title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
}

async function openFile(page, name) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await page.locator('.monaco-editor .view-lines').first().click();
}

async function goTo(page, position) {
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${position}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
}

async function problemsRows(page, text) {
    const rows = page.locator('.markers-panel .monaco-list-row', { hasText: text });
    await rows.first().waitFor({ timeout: config.timeoutMs });
    return rows.allInnerTexts();
}

/** Moves the list focus to the row containing `text` and accepts it (the widget blocks clicks). */
async function chooseFocused(page, rows, text) {
    for (let step = 0; step < 10; step++) {
        const focused = rows.and(page.locator('.focused'));
        if ((await focused.count()) > 0 && (await focused.first().innerText()).includes(text)) {
            await page.keyboard.press('Enter');
            return;
        }
        await page.keyboard.press('ArrowDown');
    }
    throw new Error(`no code action containing ${JSON.stringify(text)}`);
}

/**
 * Puts the cursor on the finding and opens the code-action menu. On a slow machine the first
 * Ctrl+. can land before the editor has focus back or before the server's actions arrive, and
 * VS Code then shows "No code actions available" and nothing else: try again, as a user would.
 */
async function openCodeActions(page) {
    const actions = page.locator('.action-widget .monaco-list-row');
    for (let attempt = 1; ; attempt++) {
        await goTo(page, config.position);
        await page.keyboard.press('Control+.');
        try {
            await actions.first().waitFor({ timeout: 10_000 });
            return actions;
        } catch (error) {
            if (attempt === 4) throw error;
            log(`no code-action menu yet (attempt ${attempt}), retrying`);
            await page.keyboard.press('Escape');
        }
    }
}

async function quickFix(page, result) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    result.problems = await problemsRows(page, config.ruleId);
    log(`problems: ${JSON.stringify(result.problems)}`);
    await page.screenshot({ path: join(config.artifacts, 'vscode-problems.png') });
    const actions = await openCodeActions(page);
    result.actions = await actions.allInnerTexts();
    log(`code actions: ${JSON.stringify(result.actions)}`);
    await chooseFocused(page, actions, config.fixTitle);
    // The edit lands asynchronously: save only once the editor shows it.
    await page.locator('.monaco-editor .view-lines', { hasText: config.fixTitle }).first().waitFor();
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
    result.editorText = await page.locator('.monaco-editor .view-lines').first().innerText();
    result.notifications = await page.locator('.notification-toast').allInnerTexts();
    await page.screenshot({ path: join(config.artifacts, 'vscode-fixed.png') });
}

async function ignoreThroughSettings(page, result) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    result.problems = await problemsRows(page, config.ruleId);
    // The folder's .vscode/settings.json, which VS Code watches (an edited user settings file
    // on disk goes unnoticed in code-server).
    mkdirSync(dirname(config.workspaceSettings), { recursive: true });
    writeFileSync(config.workspaceSettings, JSON.stringify({ 'vetline.ignore': [config.ruleId] }, null, 2));
    await page.locator('.markers-panel .monaco-list-row', { hasText: config.ruleId }).first()
        .waitFor({ state: 'detached', timeout: config.timeoutMs });
    result.clearedByIgnore = true;
    result.notifications = await page.locator('.notification-toast').allInnerTexts();
    await page.screenshot({ path: join(config.artifacts, 'vscode-ignored-by-setting.png') });
}

async function analyzeOnCommand(page, result) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    // The server is up once the status bar shows the finding count ("vetline 0").
    await page.locator('.statusbar-item', { hasText: /vetline \d/ }).first().waitFor({ timeout: config.timeoutMs });
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('x = yaml.load(other)');
    // A negative check needs a pause: onType would have reported the new line well within it.
    await page.waitForTimeout(2000);
    const rows = page.locator('.markers-panel .monaco-list-row', { hasText: config.ruleId });
    result.problemsBefore = await rows.count();
    await runCommand(page, 'vetline: Analyze Current File');
    await rows.nth(1).waitFor({ timeout: config.timeoutMs });
    result.problems = await rows.allInnerTexts();
    await page.screenshot({ path: join(config.artifacts, 'vscode-manual-analysis.png') });
}

async function scanWorkspace(page, result) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await page.locator('.statusbar-item', { hasText: /vetline \d/ }).first().waitFor({ timeout: config.timeoutMs });
    await runCommand(page, 'vetline: Scan Workspace');
    const unopened = page.locator('.markers-panel .monaco-list-row', { hasText: config.unopenedFile });
    await unopened.first().waitFor({ timeout: config.timeoutMs });
    result.problems = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    await page.screenshot({ path: join(config.artifacts, 'vscode-scan-workspace.png') });
}

async function showReport(page, result) {
    await page.locator('.statusbar-item', { hasText: /vetline \d/ }).first().waitFor({ timeout: config.timeoutMs });
    await runCommand(page, 'vetline: Show Report');
    await page.locator('.tabs-container .tab', { hasText: 'vetline report' }).first().waitFor({ timeout: config.timeoutMs });
    const frame = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
    await frame.locator('h1', { hasText: 'vetline report' }).waitFor({ timeout: config.timeoutMs });
    result.heading = await frame.locator('h1').innerText();
    result.svgCount = await frame.locator('svg').count();
    result.scripts = await frame.locator('script').count();
    await page.screenshot({ path: join(config.artifacts, 'vscode-report.png') });
}

async function notebookFindings(page, result) {
    // A notebook opens in the notebook editor (no single text editor to click, unlike openFile).
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(config.file);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: config.file }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: config.file }).waitFor();
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await problemsRows(page, config.ruleId);
    result.problems = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    log(`problems: ${JSON.stringify(result.problems)}`);
    result.notifications = await page.locator('.notification-toast').allInnerTexts();
    await page.screenshot({ path: join(config.artifacts, 'vscode-notebook.png') });
}

async function aiStatus(page, result) {
    const status = page.locator('.statusbar-item', { hasText: /vetline \d/ }).first();
    await status.waitFor({ timeout: config.timeoutMs });
    result.statusBefore = await status.innerText();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    // A paste is one edit, as an accepted multi-line suggestion is.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(config.url).origin });
    await page.evaluate((text) => navigator.clipboard.writeText(text), 'blob = open("cfg").read()\ntext = blob.strip()\nvalue = yaml.load(text)\n');
    await page.keyboard.press('Control+V');
    const counted = page.locator('.statusbar-item', { hasText: /AI 1\b/ }).first();
    await counted.waitFor({ timeout: config.timeoutMs });
    result.statusAfter = await counted.innerText();
    result.statusLabel = await counted.getAttribute('aria-label');
    await page.screenshot({ path: join(config.artifacts, 'vscode-ai-status.png') });
}

async function acceptInlineSuggestion(page, result) {
    const status = page.locator('.statusbar-item', { hasText: /vetline \d/ }).first();
    await status.waitFor({ timeout: config.timeoutMs });
    result.statusBefore = await status.innerText();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await runCommand(page, 'Trigger Inline Suggestion');
    await page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text').first()
        .waitFor({ timeout: config.timeoutMs });
    await page.screenshot({ path: join(config.artifacts, 'vscode-inline-offered.png') });
    await page.keyboard.press('Tab');  // editor.action.inlineSuggest.commit
    await page.locator('.monaco-editor .view-lines', { hasText: 'yaml.load(text)' }).first().waitFor();
    const counted = page.locator('.statusbar-item', { hasText: /AI 1\b/ }).first();
    await counted.waitFor({ timeout: config.timeoutMs });
    result.statusAfter = await counted.innerText();
    result.editorText = await page.locator('.monaco-editor .view-lines').first().innerText();
    await page.screenshot({ path: join(config.artifacts, 'vscode-inline-accepted.png') });
}

async function findingsInFiles(page, result) {
    const rows = page.locator('.markers-panel .monaco-list-row', { hasText: config.ruleId });
    for (const [index, name] of config.files.entries()) {
        await openFile(page, name);
        if (index === 0) {
            await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
        }
        await rows.nth(index).waitFor({ timeout: config.timeoutMs });
    }
    result.problems = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    log(`problems: ${JSON.stringify(result.problems)}`);
    result.notifications = await page.locator('.notification-toast').allInnerTexts();
    await page.screenshot({ path: join(config.artifacts, 'vscode-findings-in-files.png') });
}

async function notification(page, result) {
    const toast = page.locator('.notification-toast', { hasText: 'vetline could not start' });
    await toast.first().waitFor({ timeout: config.timeoutMs });
    result.notifications = await page.locator('.notification-toast').allInnerTexts();
    await page.screenshot({ path: join(config.artifacts, 'vscode-cannot-start.png') });
}

async function main() {
    const context = await chromium.launchPersistentContext(config.browserProfile, {
        executablePath: config.chromium,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: 1400, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(config.stepTimeoutMs);
    const result = { scenario: config.scenario };
    try {
        await page.goto(config.url);
        await page.locator('.monaco-workbench').waitFor();
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: config.file }).first().waitFor();
        log('workbench ready');
        if (config.scenario === 'quickfix') {
            await openFile(page, config.file);
            await quickFix(page, result);
        } else if (config.scenario === 'manual') {
            await openFile(page, config.file);
            await analyzeOnCommand(page, result);
        } else if (config.scenario === 'scan') {
            await openFile(page, config.file);
            await scanWorkspace(page, result);
        } else if (config.scenario === 'report') {
            await openFile(page, config.file);
            await showReport(page, result);
        } else if (config.scenario === 'notebook') {
            await notebookFindings(page, result);
        } else if (config.scenario === 'aistatus') {
            await openFile(page, config.file);
            await aiStatus(page, result);
        } else if (config.scenario === 'inline') {
            await openFile(page, config.file);
            await acceptInlineSuggestion(page, result);
        } else if (config.scenario === 'findings') {
            await findingsInFiles(page, result);
        } else if (config.scenario === 'settings') {
            await openFile(page, config.file);
            await ignoreThroughSettings(page, result);
        } else {
            await openFile(page, config.file);
            await notification(page, result);
        }
        process.stdout.write(`${JSON.stringify(result)}\n`);
    } catch (error) {
        await page.screenshot({ path: join(config.artifacts, `vscode-${config.scenario}-failure.png`) }).catch(() => {});
        result.error = String(error?.stack ?? error);
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.exitCode = 1;
    } finally {
        await context.close();
    }
}

await main();
