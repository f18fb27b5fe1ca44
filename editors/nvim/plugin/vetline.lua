-- Commands that work however the client was started (setup(), vim.lsp.enable, nvim-lspconfig).
vim.api.nvim_create_user_command("VetlineScanWorkspace", function()
  require("vetline").scan_workspace()
end, { desc = "vetline: scan every file of the workspace" })
vim.api.nvim_create_user_command("VetlineReport", function()
  require("vetline").show_report()
end, { desc = "vetline: open the local metrics report (findings in AI-inserted vs typed code)" })
