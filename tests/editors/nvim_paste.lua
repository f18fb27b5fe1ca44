-- Run by tests/editors/test_neovim.py: starts vetline through the plugin, waits for the file's
-- diagnostics, then pastes a vulnerable three-line function the way Neovim pastes, and reports
-- the new diagnostic's origin (`data.origin` as the server sent it). VETLINE_NVIM_PASTE says how:
--   "put"     one `nvim_put` of the lines, linewise (what `p` of a register and plugins do);
--   "stream"  `vim.paste` in three chunks (phases 1, 2, 3), as the terminal delivers a large
--             paste: each chunk is its own buffer change, none of them three lines long.
-- Exits 0, or 1 with the reason.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local harness = require("nvim_harness")
local how = assert(os.getenv("VETLINE_NVIM_PASTE"), "VETLINE_NVIM_PASTE is not set")
local TIMEOUT_MS = 30000
local result = {}

local function paste(bufnr)
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_win_set_cursor(0, { last, 0 })
  if how == "put" then
    local block = { "def loader(blob):", "    text = blob.strip()", "    return yaml.load(text)" }
    vim.api.nvim_put(block, "l", true, true)
  else
    vim.cmd("normal! $")
    assert(vim.paste({ "", "def loader(blob):", "    te" }, 1))
    assert(vim.paste({ "xt = blob.strip()", "    return yaml.lo" }, 2))
    assert(vim.paste({ "ad(text)", "" }, 3))
  end
end

local function run()
  require("vetline").setup({ cmd = { python, "-m", "vetline", "serve" } })
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.wait(TIMEOUT_MS, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50), "no vetline diagnostics within the timeout")
  local before = #vim.diagnostic.get(bufnr)
  paste(bufnr)
  assert(vim.wait(TIMEOUT_MS, function()
    return #vim.diagnostic.get(bufnr) > before
  end, 50), "no diagnostic for the pasted block")
  result.text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), "\n")
  result.origins = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local data = d.user_data and d.user_data.lsp and d.user_data.lsp.data or {}
    table.insert(result.origins, { line = d.lnum, origin = data.origin or vim.NIL })
  end
end

harness.report(run, result)
