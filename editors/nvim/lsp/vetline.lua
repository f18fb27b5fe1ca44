-- Neovim 0.11+ native configuration: with editors/nvim on 'runtimepath', `vim.lsp.enable("vetline")`
-- is all it takes. Override anything with `vim.lsp.config("vetline", { cmd = {...}, settings = {...} })`.
return require("vetline.config").native()
