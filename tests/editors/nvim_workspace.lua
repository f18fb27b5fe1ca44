-- Run by tests/editors/test_neovim.py inside headless Neovim (cwd = a project folder, app.py open). It checks
-- which buffers the plugin attaches vetline to (every file `vetline scan` reads, by name; not a
-- LICENSE), then runs :VetlineScanWorkspace and waits for the findings of a file that was
-- never opened. Writes JSON to $VETLINE_NVIM_RESULT; exit code 0 unless something failed.
local python = assert(os.getenv("VETLINE_TEST_PYTHON"), "VETLINE_TEST_PYTHON is not set")
local result_path = assert(os.getenv("VETLINE_NVIM_RESULT"), "VETLINE_NVIM_RESULT is not set")
local TIMEOUT_MS = 30000
local result = { attached = {} }

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
  -- Neovim lists a client for a buffer only once the server has answered `initialize`.
  assert(vim.wait(TIMEOUT_MS, function()
    return vetline_attached(vim.api.nvim_get_current_buf())
  end, 50), "vetline never attached to app.py")
  local buffers = { ["app.py"] = vim.api.nvim_get_current_buf() }
  for _, name in ipairs({ "requirements-dev.txt", "pyproject.toml", "settings.toml", "LICENSE" }) do
    vim.cmd("edit " .. name)
    buffers[name] = vim.api.nvim_get_current_buf()
  end
  -- Newer Neovims attach asynchronously: give the manifests time, then read every buffer.
  vim.wait(TIMEOUT_MS, function()
    return vetline_attached(buffers["requirements-dev.txt"])
      and vetline_attached(buffers["pyproject.toml"])
      and vetline_attached(buffers["settings.toml"])
  end, 50)
  for name, bufnr in pairs(buffers) do
    result.attached[name] = vetline_attached(bufnr)
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

local ok, err = pcall(run)
result.error = not ok and tostring(err) or nil
local file = assert(io.open(result_path, "w"))
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd(ok and "qall!" or "cquit 1")
