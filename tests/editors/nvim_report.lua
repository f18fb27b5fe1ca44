-- Run by tests/editors/test_neovim.py: starts vetline through the plugin, waits for its
-- diagnostics, runs `:VetlineReport` with the opener replaced by a recorder, and reports the path
-- it was asked to open and whether that file is the HTML report, then what `:VetlineAiSummary`
-- says. With VETLINE_NVIM_INSERT set, it first inserts a vulnerable three-line function in one
-- edit (as an accepted suggestion or a paste arrives) and waits for its diagnostic, so the
-- summary counts a finding in AI-inserted code. Exits 0, or 1 with the reason.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local harness = require("nvim_harness")
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

harness.report(run, result)
