--- vetline for Neovim: `require("vetline").setup(opts)` runs `vetline serve` for every file
--- `vetline scan` reads (by name, see vetline.config) and buffers of the parsed languages.
--- Neovim 0.11+ goes through vim.lsp.config/vim.lsp.enable (the same table as lsp/vetline.lua);
--- 0.7-0.10 start one client per project root with vim.lsp.start_client and attach buffers with
--- vim.lsp.buf_attach_client.
---
--- opts: cmd, filetypes, manifests, settings, root_markers, severity_sort (see vetline.config).
--- `:checkhealth vetline` (lua/vetline/health.lua) says what is found and running.
local config_mod = require("vetline.config")

local M = {}
local legacy_clients = {} -- project root -> client id (0.7-0.10)
local warned_missing = false

local function has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

function M.clients()
  local clients = has("0.10") and vim.lsp.get_clients({ name = "vetline" }) or vim.lsp.get_active_clients()
  return vim.tbl_filter(function(client)
    return client.name == "vetline"
  end, clients)
end

--- One message, once, when the server cannot run: why, and how to fix it.
local function check_executable(cmd)
  if vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not warned_missing then
    warned_missing = true
    vim.notify(
      ("vetline: `%s` is not executable. Install the server with `pip install vetline`, or pass "
        .. 'cmd = { "/path/to/python", "-m", "vetline", "serve" } to require("vetline").setup().'):format(cmd[1]),
      vim.log.levels.ERROR
    )
  end
  return false
end

local function legacy_client(config, root)
  local id = legacy_clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client and not client.is_stopped() then
    return id
  end
  if not check_executable(config.cmd) then
    return nil
  end
  id = vim.lsp.start_client({
    name = "vetline",
    cmd = config.cmd,
    root_dir = root,
    settings = { vetline = config.settings },
    init_options = { vetline = config.settings },
  })
  legacy_clients[root] = id
  return id
end

local function attach_legacy(config, bufnr)
  local root = config_mod.find_root(vim.api.nvim_buf_get_name(bufnr), config.root_markers)
  local id = legacy_client(config, root)
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

local function setup_legacy(config)
  local group = vim.api.nvim_create_augroup("vetline", { clear = true })
  local function maybe_attach(bufnr)
    if vim.api.nvim_buf_is_valid(bufnr) and config_mod.wants(config, bufnr) then
      attach_legacy(config, bufnr)
    end
  end
  -- By name on read (many of these files get no filetype, or one that differs by version), and
  -- by filetype for the parsed languages (new buffers, scripts without an extension).
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile", "FileType" }, {
    group = group,
    callback = function(args)
      maybe_attach(args.buf)
    end,
  })
  -- Buffers opened before setup() ran (e.g. `nvim app.py` with a lazy-loaded plugin).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      maybe_attach(bufnr)
    end
  end
end

--- vim.lsp.enable only re-checks open buffers once Neovim has entered (v:vim_did_enter), so a
--- setup() run from `-c` or during startup would miss the file given on the command line.
--- vim.lsp.start reuses the client Neovim itself would start (same name and root).
local function start_native(config, bufnr)
  local native = vim.deepcopy(vim.lsp.config.vetline)
  native.root_dir = config_mod.find_root(vim.api.nvim_buf_get_name(bufnr), config.root_markers)
  vim.lsp.start(native, { bufnr = bufnr })
end

local function attach_open_buffers(config)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and config_mod.wants(config, bufnr) then
      start_native(config, bufnr)
    end
  end
  -- vim.lsp.enable attaches on FileType only; buffers with no filetype are attached on read.
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
    group = vim.api.nvim_create_augroup("vetline", { clear = true }),
    callback = function(args)
      if vim.bo[args.buf].filetype == "" and config_mod.wants(config, args.buf) then
        start_native(config, args.buf)
      end
    end,
  })
end

--- Turn on vim.diagnostic's severity_sort unless the user already chose (or opts say false).
local function sort_by_severity(config)
  if config.severity_sort and not vim.diagnostic.config().severity_sort then
    vim.diagnostic.config({ severity_sort = true })
  end
end

function M.setup(opts)
  local config = config_mod.resolve(opts)
  M.config = config -- for :checkhealth vetline
  sort_by_severity(config)
  if not has("0.11") then
    return setup_legacy(config)
  end
  if check_executable(config.cmd) then
    vim.lsp.config("vetline", config_mod.native(opts))
    vim.lsp.enable("vetline")
    attach_open_buffers(config)
  end
end

--- workspace/executeCommand on one client (0.11 made request a method).
local function execute(client, params, handler)
  if has("0.11") then
    client:request("workspace/executeCommand", params, handler)
  else
    client.request("workspace/executeCommand", params, handler)
  end
end

--- `:VetlineScanWorkspace`: findings for every file, opened or not, land in vim.diagnostic.
function M.scan_workspace()
  local clients = M.clients()
  if #clients == 0 then
    vim.notify("vetline: no vetline language server is running", vim.log.levels.WARN)
    return
  end
  local params = { command = "vetline.scanWorkspace", arguments = {} }
  local function done(err, result)
    if err then
      vim.notify("vetline: workspace scan failed: " .. tostring(err.message or err), vim.log.levels.ERROR)
    elseif type(result) == "table" then
      vim.notify(("vetline: %d files scanned, %d findings"):format(result.files or 0, result.findings or 0))
    end
  end
  for _, client in ipairs(clients) do
    execute(client, params, done)
  end
end

--- Open a file with the system's viewer: vim.ui.open (0.10+), else xdg-open / open.
local function open_file(path)
  if vim.ui and vim.ui.open then
    return vim.ui.open(path)
  end
  local opener = vim.fn.has("mac") == 1 and "open" or "xdg-open"
  vim.fn.jobstart({ opener, path }, { detach = true })
end

--- `:VetlineReport`: the server writes the HTML metrics report (`vetline.writeReport`) and
--- Neovim opens it in the browser. M.open_report_with replaces the opener (tests, custom setups).
M.open_report_with = open_file

function M.show_report()
  local client = M.clients()[1]
  if not client then
    vim.notify("vetline: no vetline language server is running", vim.log.levels.WARN)
    return
  end
  local params = { command = "vetline.writeReport", arguments = {} }
  local function done(err, result)
    if err or type(result) ~= "table" or not result.path then
      vim.notify("vetline: cannot write the report: " .. tostring(err and err.message or err), vim.log.levels.ERROR)
      return
    end
    vim.g.vetline_last_report = result.path
    M.open_report_with(result.path)
  end
  execute(client, params, done)
end

--- `:VetlineAiSummary`: "N findings in AI-inserted code this week", from the server's metrics.
function M.ai_summary()
  local client = M.clients()[1]
  if not client then
    vim.notify("vetline: no vetline language server is running", vim.log.levels.WARN)
    return
  end
  execute(client, { command = "vetline.metricsSummary", arguments = {} }, function(err, result)
    if err or type(result) ~= "table" then
      vim.notify("vetline: no metrics: " .. tostring(err and err.message or err), vim.log.levels.WARN)
    else
      vim.notify("vetline: " .. result.text .. (result.enabled and "" or " (vetline.metrics is off)"))
    end
  end)
end

return M
