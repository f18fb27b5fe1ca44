-- Run by tests/editors/test_neovim.py inside headless Neovim (cwd = a project folder). It opens
-- each file named in $VETLINE_NVIM_FILES (comma-separated), waits for vetline diagnostics, and
-- records its filetype, whether vetline attached, and each diagnostic's code and 0-based line.
-- Files Neovim gives no filetype (`.cursorrules`, a `.pem` key) and files whose filetype differs
-- by version (`make`, `jproperties`, `sh`) must attach alike. Writes JSON to $VETLINE_NVIM_RESULT.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local result_path = assert(os.getenv("VETLINE_NVIM_RESULT"), "VETLINE_NVIM_RESULT is not set")
local names = vim.split(assert(os.getenv("VETLINE_NVIM_FILES"), "VETLINE_NVIM_FILES is not set"), ",")
local TIMEOUT_MS = 30000
local result = { files = {} }

local function vetline_attached(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == "vetline" then
      return true
    end
  end
  return false
end

local function run()
  require("vetline").setup({ cmd = { python, "-m", "vetline", "serve" } })
  for _, name in ipairs(names) do
    vim.cmd("edit " .. vim.fn.fnameescape(name))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.wait(TIMEOUT_MS, function()
      return #vim.diagnostic.get(bufnr) > 0
    end, 50)
    result.files[name] = {
      filetype = vim.bo[bufnr].filetype,
      attached = vetline_attached(bufnr),
      codes = vim.tbl_map(function(d)
        return d.code
      end, vim.diagnostic.get(bufnr)),
      lines = vim.tbl_map(function(d)
        return d.lnum
      end, vim.diagnostic.get(bufnr)),
    }
  end
end

local ok, err = pcall(run)
result.error = not ok and tostring(err) or nil
local file = assert(io.open(result_path, "w"))
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd(ok and "qall!" or "cquit 1")
