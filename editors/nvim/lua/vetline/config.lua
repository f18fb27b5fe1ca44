--- The one description of vetline's client configuration, shared by `require("vetline").setup()`
--- (every Neovim from 0.7) and `lsp/vetline.lua` (Neovim 0.11's `vim.lsp.enable("vetline")`).
--- Manifests are matched by file name, not filetype: attaching to every TOML or JSON buffer
--- would start the server for files it has nothing to say about. Many of those files get no
--- filetype at all (`.cursorrules`, `*.pem`, `.aiderignore` on older Neovims), so no FileType
--- event ever fires for them: `M.unnamed_filetype(bufnr)` tells the plugin to attach on read.
local M = {}

M.defaults = {
  cmd = { "vetline", "serve" },
  -- Buffers of these filetypes are always analysed (Markdown: hidden Unicode, instruction files).
  filetypes = { "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "markdown" },
  -- Manifests and AI assistant files, by file name (Lua patterns on the basename), whatever their
  -- filetype: dependency manifests, MCP and assistant settings, exclusion files, dotenv and keys.
  manifests = {
    "^requirements.*%.txt$", "^pyproject%.toml$", "^package%.json$",
    "^mcp%.json$", "^%.mcp%.json$", "^claude_desktop_config%.json$", "^settings%.json$", "^settings%.local%.json$",
    "^%.gitignore$", "^%.cursorignore$", "^%.cursorindexingignore$", "^%.aiderignore$", "^%.codeiumignore$",
    "^%.aiexclude$", "^%.aiignore$", "^%.continueignore$", "^%.geminiignore$",
    "^%.cursorrules$", "^%.windsurfrules$", "^%.clinerules$", "%.mdc$",
    "^%.env$", "^%.env%..+$", "%.env$", "^%.npmrc$", "^%.pypirc$", "%.pem$", "%.key$", "%.tfvars$",
    "^id_rsa$", "^id_dsa$", "^id_ecdsa$", "^id_ed25519$", "^kubeconfig$", "^credentials$", "^secrets$",
  },
  -- Filetypes Neovim gives those files (0.7-0.10 say "text" for requirements files; dotenv is "sh").
  manifest_filetypes = { "requirements", "text", "toml", "json", "jsonc", "gitignore", "sh", "conf", "dosini", "terraform-vars" },
  root_markers = { ".vetline.toml", "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "package.json", ".git" },
  -- The `vetline` settings section, camelCase as in VS Code: run, debounceMs, select, ignore, ...
  settings = {},
  -- Sort diagnostics by severity (vim.diagnostic's `severity_sort`, unless already set to a
  -- table or true), so an error is never hidden behind a warning on the same line.
  -- false: leave vim.diagnostic's configuration alone.
  severity_sort = true,
}

--- Defaults overlaid with `opts` (lists are replaced, not merged: `filetypes = {}` means none).
function M.resolve(opts)
  return vim.tbl_extend("force", vim.deepcopy(M.defaults), opts or {})
end

local function basename(path)
  return path:match("([^/\\]+)$") or path
end

--- Whether vetline should attach to `bufnr`: a configured filetype or a manifest's file name.
function M.wants(config, bufnr)
  if vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
    return true
  end
  local name = basename(vim.api.nvim_buf_get_name(bufnr))
  for _, pattern in ipairs(config.manifests) do
    if name:match(pattern) then
      return true
    end
  end
  return false
end

--- True for a wanted buffer Neovim gave no filetype (no FileType event will attach it).
function M.unnamed_filetype(config, bufnr)
  return vim.bo[bufnr].filetype == "" and vim.bo[bufnr].buftype == "" and M.wants(config, bufnr)
end

--- The nearest ancestor of `path` holding a root marker, else the file's directory
--- (written without vim.fs, which Neovim 0.7 lacks).
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local start = dir
  while dir and dir ~= "" do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

--- A `vim.lsp.config` table for Neovim 0.11+ (also what `lsp/vetline.lua` returns).
function M.native(opts)
  local config = M.resolve(opts)
  local filetypes = vim.deepcopy(config.filetypes)
  for _, ft in ipairs(config.manifest_filetypes) do
    if not vim.tbl_contains(filetypes, ft) then
      table.insert(filetypes, ft)
    end
  end
  return {
    cmd = config.cmd,
    filetypes = filetypes,
    root_markers = config.root_markers,
    settings = { vetline = config.settings },
    init_options = { vetline = config.settings },
    -- Declining to call on_dir keeps vetline off TOML/JSON/text buffers that are not manifests.
    root_dir = function(bufnr, on_dir)
      if M.wants(config, bufnr) then
        on_dir(M.find_root(vim.api.nvim_buf_get_name(bufnr), config.root_markers))
      end
    end,
  }
end

return M
