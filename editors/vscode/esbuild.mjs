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

if (process.argv.includes('--watch')) {
    await (await esbuild.context(options)).watch();
} else {
    await esbuild.build(options);
}
