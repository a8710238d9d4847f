-- Drives Neovim's built-in LSP client (0.7 API: vim.lsp.start_client, buf_attach_client) against
-- the bundled language server, as a user's Neovim would, and writes what it saw to a JSON file
-- for test/editors/neovim.test.ts. Environment: PLANMARK_SERVER (dist/server.js), PLANMARK_PLAN
-- (the plan to open), PLANMARK_OUT (the JSON file), PLANMARK_PUSH_ONLY=1 (the client does not
-- advertise workspace/configuration, so settings only reach the server when pushed).
local out_path = os.getenv('PLANMARK_OUT')
local results = { steps = {} }

local function write_results()
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.fn.json_encode(results))
  f:close()
end

local function codes(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(list, code and tostring(code) or '?')
  end
  return list
end

local function has(list, value)
  for _, v in ipairs(list) do
    if v == value then return true end
  end
  return false
end

local function main()
  local plan = os.getenv('PLANMARK_PLAN')
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if os.getenv('PLANMARK_PUSH_ONLY') == '1' then
    capabilities.workspace.configuration = false
  end
  results.advertisedConfiguration = capabilities.workspace.configuration and true or false
  local client_id = vim.lsp.start_client({
    name = 'planmark',
    cmd = { 'node', os.getenv('PLANMARK_SERVER'), '--stdio' },
    root_dir = vim.fn.fnamemodify(plan, ':h'),
    capabilities = capabilities,
    settings = { planmark = {} },
  })
  assert(client_id, 'vim.lsp.start_client failed')
  vim.cmd('edit ' .. vim.fn.fnameescape(plan))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'markdown'
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  assert(vim.wait(20000, function() return client.initialized end, 50), 'the server did not initialize')

  -- Diagnostics: TASK_003 depends on TASK_099, which has no row.
  vim.wait(20000, function() return has(codes(bufnr), 'unknown-task') end, 50)
  results.diagnostics = codes(bufnr)

  -- Hover on TASK_001 in TASK_002's Depends On cell (line 7, 0-based).
  local uri = vim.uri_from_bufnr(bufnr)
  local hover = client.request_sync('textDocument/hover', { textDocument = { uri = uri }, position = { line = 7, character = 15 } }, 10000, bufnr)
  local contents = hover and hover.result and hover.result.contents
  results.hover = type(contents) == 'table' and (contents.value or vim.fn.json_encode(contents)) or tostring(contents)

  -- Completion in TASK_004's empty Depends On cell.
  local completion = client.request_sync('textDocument/completion', { textDocument = { uri = uri }, position = { line = 9, character = 13 } }, 10000, bufnr)
  local items = completion and completion.result and (completion.result.items or completion.result) or {}
  results.completion = {}
  for _, item in ipairs(items) do table.insert(results.completion, item.label) end

  -- A pushed setting: unknown-task turned off, sent the way Neovim users do.
  client.config.settings = { planmark = { diagnostics = { ['unknown-task'] = 'off' } } }
  client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
  vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 and not has(codes(bufnr), 'unknown-task') end, 50)
  results.diagnosticsAfterPush = codes(bufnr)

  -- Rename TASK_001 (its row, line 6) to TASK_100 and apply the edit to the buffer.
  local rename = client.request_sync('textDocument/rename', { textDocument = { uri = uri }, position = { line = 6, character = 4 }, newName = 'TASK_100' }, 10000, bufnr)
  if rename and rename.result then
    vim.lsp.util.apply_workspace_edit(rename.result, client.offset_encoding)
  end
  results.renameError = rename and rename.err and vim.fn.json_encode(rename.err) or nil
  results.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  client.stop()
end

local ok, err = pcall(main)
if not ok then results.error = tostring(err) end
write_results()
vim.cmd(ok and 'qall!' or 'cquit 1')
