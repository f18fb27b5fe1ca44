-- Run by tests/editors/test_neovim.py inside headless Neovim, without a server: for each path in
-- the JSON list $VETLINE_NVIM_PATHS, whether the plugin's name table (vetline.config.scanned)
-- says `vetline scan` reads it. Writes { path: bool } JSON to $VETLINE_NVIM_RESULT.
local harness = require("nvim_harness")
local result = { scanned = {} }

local function run()
  local paths = vim.fn.json_decode((assert(os.getenv("VETLINE_NVIM_PATHS"), "VETLINE_NVIM_PATHS is not set")))
  local config = require("vetline.config")
  for _, path in ipairs(paths) do
    result.scanned[path] = config.scanned(path)
  end
end

harness.report(run, result)
