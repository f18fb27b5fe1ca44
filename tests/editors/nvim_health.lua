-- Run by tests/editors/test_neovim.py inside headless Neovim (app.py open): setup(), wait for the
-- server, then `:checkhealth vetline`; reports the health buffer's lines and the diagnostic
-- configuration as JSON in $VETLINE_NVIM_RESULT.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local harness = require("nvim_harness")
local TIMEOUT_MS = 30000
local result = {}

local function run()
  result.severity_sort_before = vim.diagnostic.config().severity_sort or false
  require("vetline").setup({ cmd = { python, "-m", "vetline", "serve" }, settings = { select = { "secrets" } } })
  result.severity_sort = vim.diagnostic.config().severity_sort or false
  -- Neovim lists a client for a buffer only once the server has answered `initialize`.
  assert(vim.wait(TIMEOUT_MS, function()
    local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = 0 }) or vim.lsp.buf_get_clients(0)
    return next(clients) ~= nil
  end, 50), "vetline never attached to app.py")
  vim.cmd("checkhealth vetline")
  result.health = vim.api.nvim_buf_get_lines(0, 0, -1, false)
end

harness.report(run, result)
