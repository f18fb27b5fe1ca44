-- Commands that work however the client was started (setup(), vim.lsp.enable, nvim-lspconfig).
vim.api.nvim_create_user_command("VetlineScanWorkspace", function()
  require("vetline").scan_workspace()
end, { desc = "vetline: scan every file of the workspace" })
