/**
 * Which process to run as the server, and a cheap pre-flight check of it. The check exists so
 * a missing vetline produces one notification saying what to install where, instead of the
 * language client's generic "couldn't create connection" errors.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { LaunchSettings } from './settings';

export const INSTALL_HINT = 'pip install vetline';

export interface ServerLaunch {
    /** The argv that starts vetline without a subcommand, e.g. `[python, -m, vetline]`. */
    prefix: string[];
    /** Where the choice came from, for messages and the output channel. */
    origin: string;
}

const SETTINGS_HINT = 'set "vetline.path" to the vetline executable or "vetline.interpreter" to a Python that has it';

/**
 * The `vetline` of the workspace's own virtual environment (`.venv`, then `venv`; POSIX or
 * Windows layout), if there is one. code-server's extension host does not inherit the
 * launching shell's PATH, so an activated environment is not enough to find it.
 */
export function workspaceVetline(
    folder: string | undefined,
    exists: (file: string) => boolean = fs.existsSync,
): string | undefined {
    if (!folder) {
        return undefined;
    }
    for (const env of ['.venv', 'venv']) {
        for (const executable of [path.join(env, 'bin', 'vetline'), path.join(env, 'Scripts', 'vetline.exe')]) {
            if (exists(path.join(folder, executable))) {
                return path.join(folder, executable);
            }
        }
    }
    return undefined;
}

/**
 * Precedence: `vetline.path`, `vetline.interpreter`, the workspace's `.venv`/`venv`, the Python
 * extension's interpreter, `vetline` on PATH.
 */
export function chooseLaunch(
    settings: LaunchSettings,
    pythonInterpreter?: string[],
    workspaceExecutable?: string,
): ServerLaunch {
    if (settings.path.length > 0) {
        return { prefix: settings.path, origin: 'the "vetline.path" setting' };
    }
    if (settings.interpreter.length > 0) {
        return { prefix: [...settings.interpreter, '-m', 'vetline'], origin: 'the "vetline.interpreter" setting' };
    }
    if (workspaceExecutable) {
        return { prefix: [workspaceExecutable], origin: "the workspace's virtual environment" };
    }
    if (pythonInterpreter && pythonInterpreter.length > 0) {
        return { prefix: [...pythonInterpreter, '-m', 'vetline'], origin: "the Python extension's interpreter" };
    }
    return { prefix: ['vetline'], origin: 'PATH' };
}

export function serveArgv(launch: ServerLaunch): string[] {
    return [...launch.prefix, 'serve'];
}

/** Runs `<prefix> --version`; resolves to undefined when it works, else to the reason it does not. */
export function probe(launch: ServerLaunch, cwd?: string, timeoutMs = 20000): Promise<string | undefined> {
    const [command, ...args] = launch.prefix;
    return new Promise((resolve) => {
        let stderr = '';
        const child = spawn(command, [...args, '--version'], { cwd });
        // Our own timer: spawn's `timeout` option outlives a child that never started (ENOENT).
        const timer = setTimeout(() => {
            child.kill();
            resolve(`\`${launch.prefix.join(' ')} --version\` did not answer within ${timeoutMs / 1000}s`);
        }, timeoutMs);
        const settle = (reason: string | undefined): void => {
            clearTimeout(timer);
            resolve(reason);
        };
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', (error: NodeJS.ErrnoException) =>
            settle(error.code === 'ENOENT' ? `\`${command}\` was not found` : error.message),
        );
        child.on('close', (code) => {
            const lastLine = stderr.trim().split('\n').pop() ?? '';
            settle(code === 0 ? undefined : `\`${launch.prefix.join(' ')} --version\` failed: ${lastLine}`);
        });
    });
}

/** The one notification shown when the server cannot start: why, then how to fix it. */
export function cannotStartMessage(launch: ServerLaunch, reason: string): string {
    const why = `vetline could not start its language server (from ${launch.origin}): ${reason}.`;
    if (launch.origin === 'PATH') {
        return `${why} Install it with \`${INSTALL_HINT}\` (from a checkout: \`pip install <path to the vetline repo>\`), or ${SETTINGS_HINT}.`;
    }
    if (launch.prefix.includes('-m')) {
        const python = launch.prefix[0];
        return `${why} Install it into that Python with \`${python} -m ${INSTALL_HINT}\`, or ${SETTINGS_HINT}.`;
    }
    return `${why} Reinstall it with \`${INSTALL_HINT}\`, or ${SETTINGS_HINT}.`;
}
