-- Run by tests/editors/test_neovim.py inside headless Neovim, without a server: for each path in
-- the JSON list $VETLINE_NVIM_PATHS, whether the plugin's name table (vetline.config.scanned)
-- says `vetline scan` reads it. Writes { path: bool } JSON to $VETLINE_NVIM_RESULT.
local result_path = assert(os.getenv("VETLINE_NVIM_RESULT"), "VETLINE_NVIM_RESULT is not set")
local result = { scanned = {} }

local ok, err = pcall(function()
  local paths = vim.fn.json_decode((assert(os.getenv("VETLINE_NVIM_PATHS"), "VETLINE_NVIM_PATHS is not set")))
  local config = require("vetline.config")
  for _, path in ipairs(paths) do
    result.scanned[path] = config.scanned(path)
  end
end)
result.error = not ok and tostring(err) or nil
local file = assert(io.open(result_path, "w"))
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd(ok and "qall!" or "cquit 1")
