-- Run by tests/editors/test_neovim.py inside headless Neovim (cwd = a project folder). It opens
-- each file named in $VETLINE_NVIM_FILES (comma-separated), waits for vetline diagnostics, and
-- records its filetype, whether vetline attached, and each diagnostic's code and 0-based line.
-- Files Neovim gives no filetype (`.cursorrules`, a `.pem` key) and files whose filetype differs
-- by version (`make`, `jproperties`, `sh`) must attach alike. Writes JSON to $VETLINE_NVIM_RESULT.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local harness = require("nvim_harness")
local names = vim.split(assert(os.getenv("VETLINE_NVIM_FILES"), "VETLINE_NVIM_FILES is not set"), ",")
local TIMEOUT_MS = 30000
local result = { files = {} }

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
      attached = harness.vetline_attached(bufnr),
      codes = vim.tbl_map(function(d)
        return d.code
      end, vim.diagnostic.get(bufnr)),
      lines = vim.tbl_map(function(d)
        return d.lnum
      end, vim.diagnostic.get(bufnr)),
    }
  end
end

harness.report(run, result)
