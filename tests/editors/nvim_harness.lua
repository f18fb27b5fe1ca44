-- Shared by the tests/editors/nvim_*.lua scripts that test_neovim.py runs in headless Neovim
-- (it puts this folder on package.path): whether vetline is attached to a buffer, and the one
-- way a script ends, writing its observations as JSON to $VETLINE_NVIM_RESULT and exiting 0, or
-- 1 (`cquit`) with the reason in the JSON and on stderr.
local M = {}

function M.vetline_attached(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == "vetline" then
      return true
    end
  end
  return false
end

--- Run `run()`, record its error in `result` if it fails, write `result` and quit Neovim.
function M.report(run, result)
  local ok, err = pcall(run)
  result.error = not ok and tostring(err) or nil
  local result_path = assert(os.getenv("VETLINE_NVIM_RESULT"), "VETLINE_NVIM_RESULT is not set")
  local file = assert(io.open(result_path, "w"))
  file:write(vim.fn.json_encode(result))
  file:close()
  if ok then
    vim.cmd("qall!")
  else
    io.stderr:write("FAIL: " .. tostring(err) .. "\n")
    vim.cmd("cquit 1")
  end
end

return M
