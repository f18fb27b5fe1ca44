-- Run by tests/editors/test_neovim.py inside headless Neovim (cwd = a project folder, app.py open). It checks
-- which buffers the plugin attaches vetline to (every file `vetline scan` reads, by name; not a
-- LICENSE), then runs :VetlineScanWorkspace and waits for the findings of a file that was
-- never opened. Writes JSON to $VETLINE_NVIM_RESULT; exit code 0 unless something failed.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local harness = require("nvim_harness")
local TIMEOUT_MS = 30000
local result = { attached = {} }

local function run()
  require("vetline").setup({ cmd = { python, "-m", "vetline", "serve" } })
  -- Neovim lists a client for a buffer only once the server has answered `initialize`.
  assert(vim.wait(TIMEOUT_MS, function()
    return harness.vetline_attached(vim.api.nvim_get_current_buf())
  end, 50), "vetline never attached to app.py")
  local buffers = { ["app.py"] = vim.api.nvim_get_current_buf() }
  for _, name in ipairs({ "requirements-dev.txt", "pyproject.toml", "settings.toml", "LICENSE" }) do
    vim.cmd("edit " .. name)
    buffers[name] = vim.api.nvim_get_current_buf()
  end
  -- Newer Neovims attach asynchronously: give the manifests time, then read every buffer.
  vim.wait(TIMEOUT_MS, function()
    return harness.vetline_attached(buffers["requirements-dev.txt"])
      and harness.vetline_attached(buffers["pyproject.toml"])
      and harness.vetline_attached(buffers["settings.toml"])
  end, 50)
  for name, bufnr in pairs(buffers) do
    result.attached[name] = harness.vetline_attached(bufnr)
  end
  vim.cmd("VetlineScanWorkspace")
  local worker = vim.uri_to_bufnr(vim.uri_from_fname(vim.fn.fnamemodify("worker.py", ":p")))
  result.worker_found = vim.wait(TIMEOUT_MS, function()
    return #vim.diagnostic.get(worker) > 0
  end, 50)
  result.worker_codes = vim.tbl_map(function(d)
    return d.code
  end, vim.diagnostic.get(worker))
  result.worker_loaded = vim.api.nvim_buf_is_loaded(worker)
end

harness.report(run, result)
