/**
 * Every tool the MCP server offers, one module per group. A new group (conflicts and resolve, land,
 * agent status) is a module exporting its `tool(...)` list, added here; nothing else changes.
 */
import { branchTools } from './branches.ts'
import { conflictTools } from './conflicts.ts'
import { fileTools } from './files.ts'
import { historyTools } from './history.ts'
import { landingTools } from './landing.ts'
import { mergeTools } from './merge.ts'
import { repositoryTools } from './repositories.ts'
import { replTools } from './repl.ts'
import { runTools } from './run.ts'
import { searchTools } from './search.ts'
import type { Tool } from './tool.ts'

export const TOOLS: readonly Tool[] = [
  ...repositoryTools,
  ...fileTools,
  ...historyTools,
  ...branchTools,
  ...mergeTools,
  ...landingTools,
  ...conflictTools,
  ...searchTools,
  ...runTools,
  ...replTools,
]
