import type { TerraformResource } from 'cdktf';
import { DIAGNOSTIC_CATEGORIES } from '../../monitoring/diagnostic-categories';
import { hasDiagnostics } from '../../monitoring/log-analytics';
import type { PolicyCompliance, PolicyRule } from '../rule';

/**
 * SP-MON1: every resource whose type supports diagnostic settings sends them to the environment's
 * Log Analytics workspace (`LogAnalytics.addDiagnostics`), so operators can see it.
 */
export const DiagnosticsRule: PolicyRule = {
  id: 'SP-MON1',
  description: 'resources that support diagnostic settings must send their logs and metrics to Log Analytics',
  level: 'error',
  resourceTypes: Object.keys(DIAGNOSTIC_CATEGORIES),
  fix: () => 'add its diagnostic settings with LogAnalytics.addDiagnostics(id, resource)',
  check(resource: TerraformResource): PolicyCompliance {
    return hasDiagnostics(resource) ? 'compliant' : 'non-compliant';
  },
};
