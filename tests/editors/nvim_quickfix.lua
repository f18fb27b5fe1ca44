-- Run by tests/editors/test_neovim.py inside `nvim --headless --clean` with editors/nvim on
-- 'runtimepath' and the vulnerable file as the current buffer. It starts vetline through the
-- plugin, waits for diagnostics, applies the quick fix the server offers and waits for the
-- finding to go away. It writes what it saw as JSON to $VETLINE_NVIM_RESULT and exits 0, or
-- exits 1 (`cquit`) with the reason on stderr.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local harness = require("nvim_harness")
-- The rule and a word of its fix's title; a test may name others (a TSX buffer's XSS finding).
local RULE = os.getenv("VETLINE_NVIM_RULE") or "yaml-unsafe-load"
local FIX_WORD = os.getenv("VETLINE_NVIM_FIX_WORD") or "safe_load"
local TIMEOUT_MS = 30000
local result = {}

local function findings(bufnr)
  return vim.tbl_filter(function(d)
    return d.source == "vetline" and d.code == RULE
  end, vim.diagnostic.get(bufnr))
end

-- The LSP form of a vim.diagnostic item, for the code action request's context.
local function to_lsp(d)
  local original = (d.user_data and d.user_data.lsp) or {}
  return vim.tbl_extend("force", {
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
    message = d.message,
    severity = d.severity,
    source = d.source,
    code = d.code,
  }, original)
end

local function fix_action(bufnr, finding)
  vim.api.nvim_win_set_cursor(0, { finding.lnum + 1, finding.col })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = { to_lsp(finding) }, only = { "quickfix" } }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, TIMEOUT_MS) or {}
  result.actions = {}
  local chosen, client_id
  for id, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.actions, action.title)
      if not chosen and action.title:find(FIX_WORD, 1, true) then
        chosen, client_id = action, id
      end
    end
  end
  return chosen, client_id
end

local function run()
  require("vetline").setup({ cmd = { python, "-m", "vetline", "serve" } })
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.wait(TIMEOUT_MS, function()
    return #findings(bufnr) > 0
  end, 50), "no vetline diagnostics within the timeout")
  local finding = findings(bufnr)[1]
  result.diagnostic = { line = finding.lnum, col = finding.col, code = finding.code, message = finding.message }
  local action, client_id = fix_action(bufnr, finding)
  assert(action, "no quick fix mentioning " .. FIX_WORD .. "; got: " .. vim.inspect(result.actions))
  if not action.edit then
    local resolved = vim.lsp.buf_request_sync(bufnr, "codeAction/resolve", action, TIMEOUT_MS) or {}
    action = (resolved[client_id] or {}).result or action
  end
  assert(action.edit, "the quick fix has no edit")
  vim.lsp.util.apply_workspace_edit(action.edit, vim.lsp.get_client_by_id(client_id).offset_encoding or "utf-16")
  result.text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
  result.cleared = vim.wait(TIMEOUT_MS, function()
    return #findings(bufnr) == 0
  end, 50)
end

harness.report(run, result)
