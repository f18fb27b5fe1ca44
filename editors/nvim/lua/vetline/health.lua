--- `:checkhealth vetline`: the executable, its version, the running server and the settings.
--- vim.health's names changed twice (0.7 `require("health").report_*`, 0.8 `vim.health.report_*`,
--- 0.10 `vim.health.start/ok/...`); `report` picks whichever this Neovim has.
local M = {}

local function report(kind, ...)
  local health = vim.health or require("health")
  local fn = health[kind] or health["report_" .. kind]
  return fn(...)
end

local function check_executable(cmd)
  local exe = cmd[1]
  if vim.fn.executable(exe) ~= 1 then
    report("error", ("`%s` is not executable"):format(exe), {
      "Install the server: `pip install vetline` (in the project's virtual environment or with pipx)",
      'Or point setup() at it: cmd = { "/path/to/python", "-m", "vetline", "serve" }',
    })
    return
  end
  report("ok", ("executable: %s"):format(vim.fn.exepath(exe)))
  local argv = vim.deepcopy(cmd) -- `vetline serve` / `python -m vetline serve` -> `... --version`
  if argv[#argv] == "serve" then
    argv[#argv] = "--version"
  else
    table.insert(argv, "--version")
  end
  local output = vim.fn.system(argv)
  if vim.v.shell_error == 0 then
    report("ok", ("version: %s"):format(vim.trim(output)))
  else
    report("warn", ("`%s` failed: %s"):format(table.concat(argv, " "), vim.trim(output)))
  end
end

function M.check()
  local vetline = require("vetline")
  local config = vetline.config
  report("start", "vetline")
  if not config then
    report("warn", 'require("vetline").setup() has not run; using the defaults')
    config = require("vetline.config").resolve({})
  end
  check_executable(config.cmd)
  local clients = vetline.clients()
  if #clients == 0 then
    report("warn", "no vetline language server is running (open a file vetline reads: Python, a shell script, a manifest, ...)")
  end
  for _, client in ipairs(clients) do
    local root = client.config and client.config.root_dir or "?"
    report("ok", ("server running: client %d, root %s"):format(client.id, root))
  end
  report("info", "settings: " .. vim.inspect(config.settings, { newline = " ", indent = "" }))
  report("info", ("severity_sort: %s"):format(tostring(vim.diagnostic.config().severity_sort or false)))
end

return M
