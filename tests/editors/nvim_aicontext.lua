-- Run by tests/editors/test_neovim.py inside headless Neovim (cwd = a project using Cursor). It
-- opens AI-context files that Neovim gives no filetype (`.cursorrules`, a `.pem` key) and records,
-- for each, its filetype and the vetline diagnostics it gets. Writes JSON to $VETLINE_NVIM_RESULT.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local result_path = assert(os.getenv("VETLINE_NVIM_RESULT"), "VETLINE_NVIM_RESULT is not set")
local TIMEOUT_MS = 30000
local result = { files = {} }

local function run()
  require("vetline").setup({ cmd = { python, "-m", "vetline", "serve" } })
  for _, name in ipairs({ ".cursorrules", "server.pem" }) do
    vim.cmd("edit " .. name)
    local bufnr = vim.api.nvim_get_current_buf()
    vim.wait(TIMEOUT_MS, function()
      return #vim.diagnostic.get(bufnr) > 0
    end, 50)
    result.files[name] = {
      filetype = vim.bo[bufnr].filetype,
      codes = vim.tbl_map(function(d)
        return d.code
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
