// package.json's contributions agree with the code: settings and defaults with shared/settings.ts,
// commands with their menus, and the declared workspace capabilities.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, DIAGNOSTIC_CODES } from '../../../shared/settings';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const properties: Record<string, any> = pkg.contributes.configuration.properties;
const commands: { command: string; title: string; category?: string; icon?: string }[] = pkg.contributes.commands;

describe('package.json configuration', () => {
  it('declares exactly the planmark settings of shared/settings.ts plus trace.server', () => {
    const expected = [...Object.keys(DEFAULT_SETTINGS).map((k) => `planmark.${k}`), 'planmark.trace.server'].sort();
    assert.deepEqual(Object.keys(properties).sort(), expected);
  });

  it('has the defaults of DEFAULT_SETTINGS', () => {
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      if (key === 'diagnostics') continue; // checked below against DIAGNOSTIC_CODES
      assert.deepEqual(properties[`planmark.${key}`].default, value, `default of planmark.${key}`);
    }
    assert.equal(properties['planmark.trace.server'].default, 'off');
  });

  it('has one planmark.diagnostics property per diagnostic code, defaulting to its severity', () => {
    const diagnostics = properties['planmark.diagnostics'];
    assert.equal(diagnostics.type, 'object');
    assert.equal(diagnostics.additionalProperties, false);
    assert.deepEqual(Object.keys(diagnostics.properties).sort(), Object.keys(DIAGNOSTIC_CODES).sort());
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      const prop = diagnostics.properties[code];
      assert.deepEqual(prop.enum, ['error', 'warning', 'information', 'hint', 'off'], `enum of ${code}`);
      assert.equal(prop.default, info.severity, `default severity of ${code}`);
      assert.equal(prop.description, info.description, `description of ${code}`);
      // The object's own default spells out the same severities (so the settings UI shows them).
      assert.equal(diagnostics.default[code], info.severity, `planmark.diagnostics.default.${code}`);
    }
    assert.deepEqual(Object.keys(diagnostics.default).sort(), Object.keys(DIAGNOSTIC_CODES).sort());
    // DEFAULT_SETTINGS.diagnostics holds overrides only: none by default.
    assert.deepEqual(DEFAULT_SETTINGS.diagnostics, {});
  });

  it('gives every setting a description, a type and a scope', () => {
    for (const [key, prop] of Object.entries(properties)) {
      assert.ok(prop.description || prop.markdownDescription, `${key} has a description`);
      assert.ok(prop.type, `${key} has a type`);
      assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(prop.scope), `${key} has a valid scope`);
    }
  });

  it('has a taskIdPattern default that is a valid regular expression', () => {
    assert.doesNotThrow(() => new RegExp(properties['planmark.taskIdPattern'].default));
    assert.match('TASK_001', new RegExp(`^(?:${properties['planmark.taskIdPattern'].default})$`));
  });
});

describe('package.json commands and menus', () => {
  it('gives every command the Planmark category and a title', () => {
    assert.ok(commands.length >= 7);
    for (const c of commands) {
      assert.match(c.command, /^planmark\./);
      assert.equal(c.category, 'Planmark', `${c.command} category`);
      assert.ok(c.title && c.title.trim(), `${c.command} title`);
    }
  });

  it('contributes the commands the extension registers', () => {
    const ids = commands.map((c) => c.command).sort();
    assert.deepEqual(ids, [
      'planmark.addTask',
      'planmark.goToTask',
      'planmark.insertSection',
      'planmark.newPlan',
      'planmark.refreshPlans',
      'planmark.showTaskGraph',
      'planmark.showTimeline',
      'planmark.syncGraphFromTable',
      'planmark.syncTableFromGraph',
    ]);
    const source = fs.readFileSync(path.join(root, 'client/src/extension.ts'), 'utf8');
    for (const id of ids) assert.ok(source.includes(`'${id}'`), `extension.ts registers ${id}`);
  });

  it('names only contributed commands in menus and keybindings', () => {
    const ids = new Set(commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command?: string }[]>)) {
      for (const item of items) if (item.command) assert.ok(ids.has(item.command), `${menu} names unknown ${item.command}`);
    }
    for (const k of pkg.contributes.keybindings ?? []) assert.ok(ids.has(k.command), `keybinding names unknown ${k.command}`);
  });

  it('shows plan commands in the palette only on plans, and New Plan everywhere', () => {
    const palette: { command: string; when?: string }[] = pkg.contributes.menus.commandPalette;
    for (const c of commands) {
      const entry = palette.find((p) => p.command === c.command);
      if (c.command === 'planmark.newPlan') assert.ok(!entry?.when, 'New Plan is always in the palette');
      // Workspace-wide: the timeline of every plan is there wherever the workspace has plans; Refresh only in the Plans view.
      else if (c.command === 'planmark.showTimeline') assert.ok(!entry?.when, 'Show Timeline is always in the palette');
      else if (c.command === 'planmark.refreshPlans') assert.equal(entry?.when, 'false', 'Refresh Plans is a Plans view button');
      else assert.match(entry?.when ?? '', /\bplanmark\.isPlan\b/, `${c.command} palette when`);
    }
    for (const menu of ['editor/title', 'editor/context']) {
      for (const item of pkg.contributes.menus[menu]) assert.match(item.when, /\bplanmark\.isPlan\b/, `${menu} ${item.command}`);
    }
  });

  it('gives the editor title button an icon and binds Show Task Graph on plans', () => {
    for (const item of pkg.contributes.menus['editor/title']) {
      assert.ok(commands.find((c) => c.command === item.command)?.icon, `${item.command} has an icon`);
    }
    const key = pkg.contributes.keybindings.find((k: { command: string }) => k.command === 'planmark.showTaskGraph');
    assert.ok(key?.key && key.mac, 'Show Task Graph has a keybinding on every platform');
    assert.match(key.when, /\bplanmark\.isPlan\b/);
  });
});

describe('package.json activation, capabilities and packaging fields', () => {
  it('activates on Markdown and restores the graph panel', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:markdown'));
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:planmark.taskGraph'));
    assert.ok(!pkg.activationEvents.includes('*'), 'no eager activation');
  });

  it('declares workspace trust and virtual workspace support', () => {
    // The extension runs no workspace code: untrusted workspaces are fully supported.
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces, { supported: true });
    // The language client syncs file: and untitled: documents only (see client/src/planDocuments.ts),
    // so plans in a virtual file system get no language features: limited, with a description.
    assert.equal(pkg.capabilities.virtualWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.virtualWorkspaces.description.length > 20);
    const planDocuments = fs.readFileSync(path.join(root, 'client/src/planDocuments.ts'), 'utf8');
    assert.match(planDocuments, /PLAN_SCHEMES[^=]*= \['file', 'untitled'\]/);
  });

  it('has the fields the marketplace needs', () => {
    for (const field of ['name', 'displayName', 'description', 'version', 'publisher', 'license', 'icon', 'repository', 'categories', 'keywords']) {
      assert.ok(pkg[field], `package.json has ${field}`);
    }
    assert.equal(pkg.main, './dist/extension.js');
    assert.match(pkg.engines.vscode, /^\^1\.\d+\.\d+$/);
    assert.ok(fs.existsSync(path.join(root, pkg.icon)), 'icon file exists');
  });
});
