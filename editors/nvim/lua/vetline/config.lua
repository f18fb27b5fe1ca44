--- The one description of vetline's client configuration, shared by `require("vetline").setup()`
--- (every Neovim from 0.7) and `lsp/vetline.lua` (Neovim 0.11's `vim.lsp.enable("vetline")`).
--- vetline attaches to every file `vetline scan` reads, matched on the file name as the CLI does
--- (lua/vetline/filetypes.lua, generated from rules/languages.py): Neovim's filetypes for
--- Terraform, `.properties`, Makefiles, dotenv or key files differ between versions or are
--- missing, and a filetype such as "toml" or "text" would also take files the CLI never reads.
local file_types = require("vetline.filetypes")

local M = {}

M.defaults = {
  cmd = { "vetline", "serve" },
  -- Buffers of these filetypes are analysed whatever their name (new buffers, scripts without an
  -- extension): the languages vetline parses.
  filetypes = vim.deepcopy(file_types.parsed_filetypes),
  -- More Lua patterns on the base name, besides the files `vetline scan` reads.
  manifests = {},
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

local function any_match(text, patterns)
  for _, pattern in ipairs(patterns) do
    if text:match(pattern) then
      return true
    end
  end
  return false
end

--- Whether `vetline scan` reads the file at `path`: rules/languages.py's language_for_path().
function M.scanned(path)
  local name = basename(path)
  if any_match(name, file_types.names) then
    return true
  end
  local extension = (name:match("^.+%.([^.]+)$") or ""):lower() -- Python's PurePath.suffix: none for `.bashrc`
  if vim.tbl_contains(file_types.extensions, extension) then
    return true
  end
  for _, rule in ipairs(file_types.folder_extensions) do
    if vim.tbl_contains(rule.extensions, extension) then
      for folder in path:gmatch("([^/\\]+)[/\\]") do
        if vim.tbl_contains(rule.folders, folder) then
          return true
        end
      end
    end
  end
  return false
end

--- Whether vetline should attach to `bufnr`: a file vetline reads, a configured filetype or pattern.
function M.wants(config, bufnr)
  if vim.bo[bufnr].buftype ~= "" then
    return false
  end
  if vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
    return true
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  return path ~= "" and (M.scanned(path) or any_match(basename(path), config.manifests))
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
  return {
    cmd = config.cmd,
    -- Every filetype: root_dir decides by file name (buffers with no filetype get no FileType
    -- event: setup() attaches those on read).
    filetypes = nil,
    root_markers = config.root_markers,
    settings = { vetline = config.settings },
    init_options = { vetline = config.settings },
    -- Declining to call on_dir keeps vetline off buffers `vetline scan` would not read.
    root_dir = function(bufnr, on_dir)
      if M.wants(config, bufnr) then
        on_dir(M.find_root(vim.api.nvim_buf_get_name(bufnr), config.root_markers))
      end
    end,
  }
end

return M
