// Bundles the extension and vscode-languageclient into one file so the .vsix ships no
// node_modules (vsce runs with --no-dependencies). `vscode` is provided by the editor.
import * as esbuild from 'esbuild';

const options = {
    entryPoints: ['src/extension.ts'],
    bundle: true,
    outfile: 'out/extension.js',
    external: ['vscode'],
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    sourcemap: true,
    logLevel: 'info',
};

// `--tests`: bundle the unit tests instead, for `node --test` (they must not import vscode).
if (process.argv.includes('--tests')) {
    await esbuild.build({ ...options, entryPoints: ['test/*.test.ts'], outfile: undefined, outdir: 'out/test' });
} else if (process.argv.includes('--watch')) {
    await (await esbuild.context(options)).watch();
} else {
    await esbuild.build(options);
}
