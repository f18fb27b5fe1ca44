// Unit tests of the launch logic (no editor needed): which command runs the server, the
// pre-flight probe, and the "cannot start" message. Run with `npm test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'path';
import { cannotStartMessage, chooseLaunch, probe, serveArgv, workspaceVetline } from '../src/launch';

const none = { path: [], interpreter: [] };

test('vetline.path wins over every other source', () => {
    const launch = chooseLaunch({ path: ['/opt/vetline'], interpreter: ['/usr/bin/python3'] }, ['/venv/bin/python']);
    assert.deepEqual(serveArgv(launch), ['/opt/vetline', 'serve']);
});

test('vetline.interpreter runs the module and wins over the Python extension', () => {
    const launch = chooseLaunch({ path: [], interpreter: ['/usr/bin/python3'] }, ['/venv/bin/python']);
    assert.deepEqual(serveArgv(launch), ['/usr/bin/python3', '-m', 'vetline', 'serve']);
});

test("the Python extension's interpreter is used when nothing is set", () => {
    const launch = chooseLaunch(none, ['/venv/bin/python']);
    assert.deepEqual(serveArgv(launch), ['/venv/bin/python', '-m', 'vetline', 'serve']);
    assert.match(launch.origin, /Python extension/);
});

test('vetline on PATH is the last resort', () => {
    assert.deepEqual(serveArgv(chooseLaunch(none, undefined)), ['vetline', 'serve']);
});

test('the probe names a missing executable', async () => {
    const reason = await probe(chooseLaunch({ path: ['/nonexistent/vetline'], interpreter: [] }));
    assert.match(reason ?? '', /was not found/);
});

test('the probe accepts a working command', async () => {
    // `node --version` exits 0, like `vetline --version`.
    assert.equal(await probe(chooseLaunch({ path: [process.execPath], interpreter: [] })), undefined);
});

test("the workspace's .venv vetline comes before the Python extension and PATH", () => {
    const venv = workspaceVetline('/work/app', (file) => file === path.join('/work/app', '.venv', 'bin', 'vetline'));
    assert.equal(venv, path.join('/work/app', '.venv', 'bin', 'vetline'));
    const launch = chooseLaunch(none, ['/usr/bin/python3'], venv);
    assert.deepEqual(serveArgv(launch), [venv, 'serve']);
    assert.match(launch.origin, /virtual environment/);
    assert.deepEqual(serveArgv(chooseLaunch({ path: [], interpreter: ['/py'] }, undefined, venv)), ['/py', '-m', 'vetline', 'serve']);
});

test('venv and Windows Scripts layouts are found; no environment falls through', () => {
    const windows = path.join('/w', 'venv', 'Scripts', 'vetline.exe');
    assert.equal(workspaceVetline('/w', (file) => file === windows), windows);
    assert.equal(workspaceVetline('/w', () => false), undefined);
    assert.equal(workspaceVetline(undefined), undefined);
    assert.deepEqual(serveArgv(chooseLaunch(none, undefined, workspaceVetline('/w', () => false))), ['vetline', 'serve']);
});

test('every failure message names both vetline.path and vetline.interpreter', () => {
    const launches = [
        chooseLaunch(none),
        chooseLaunch({ path: [], interpreter: ['/py'] }),
        chooseLaunch(none, ['/venv/bin/python']),
        chooseLaunch(none, undefined, '/w/.venv/bin/vetline'),
        chooseLaunch({ path: ['/x/vetline'], interpreter: [] }),
    ];
    for (const launch of launches) {
        const message = cannotStartMessage(launch, 'x');
        assert.match(message, /"vetline\.path"/);
        assert.match(message, /"vetline\.interpreter"/);
    }
});

test('each failure message says how to install vetline for that source', () => {
    assert.match(cannotStartMessage(chooseLaunch(none), 'x'), /pip install vetline/);
    const viaPython = cannotStartMessage(chooseLaunch({ path: [], interpreter: ['/py'] }), 'No module named vetline');
    assert.match(viaPython, /`\/py -m pip install vetline`/);
    assert.match(viaPython, /No module named vetline/);
    assert.match(cannotStartMessage(chooseLaunch({ path: ['/x/vetline'], interpreter: [] }), 'x'), /vetline\.path/);
});
