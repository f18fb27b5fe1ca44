-- Run by tests/editors/test_neovim.py: starts vetline through the plugin, waits for its
-- diagnostics, runs `:VetlineReport` with the opener replaced by a recorder, and reports the path
-- it was asked to open and whether that file is the HTML report, then what `:VetlineAiSummary`
-- says. With VETLINE_NVIM_INSERT set, it first inserts a vulnerable three-line function in one
-- edit (as an accepted suggestion or a paste arrives) and waits for its diagnostic, so the
-- summary counts a finding in AI-inserted code. Exits 0, or 1 with the reason.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local result_path = assert(os.getenv("VETLINE_NVIM_RESULT"), "VETLINE_NVIM_RESULT is not set")
local TIMEOUT_MS = 30000
local result = {}

local function run()
  local vetline = require("vetline")
  vetline.setup({ cmd = { python, "-m", "vetline", "serve" } })
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.wait(TIMEOUT_MS, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50), "no vetline diagnostics within the timeout")
  if os.getenv("VETLINE_NVIM_INSERT") then
    local before = #vim.diagnostic.get(bufnr)
    local block = { "def loader(blob):", "    text = blob.strip()", "    return yaml.load(text)" }
    vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, block)
    assert(vim.wait(TIMEOUT_MS, function()
      return #vim.diagnostic.get(bufnr) > before
    end, 50), "no diagnostic for the inserted block")
  end
  vetline.open_report_with = function(path)
    result.opened = path
  end
  vim.cmd("VetlineReport")
  assert(vim.wait(TIMEOUT_MS, function()
    return result.opened ~= nil
  end, 50), ":VetlineReport opened nothing")
  local file = assert(io.open(result.opened, "r"))
  local page = file:read("*a")
  file:close()
  result.is_html = page:find("<!DOCTYPE html>", 1, true) == 1
  result.has_svg = page:find("<svg", 1, true) ~= nil
  vim.notify = function(message)
    result.summary = message
  end
  vim.cmd("VetlineAiSummary")
  assert(vim.wait(TIMEOUT_MS, function()
    return result.summary ~= nil
  end, 50), ":VetlineAiSummary said nothing")
end

local ok, err = pcall(run)
result.error = not ok and tostring(err) or nil
local file = assert(io.open(result_path, "w"))
file:write(vim.fn.json_encode(result))
file:close()
if ok then
  vim.cmd("qall!")
else
  io.stderr:write("FAIL: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
