// Every page of the panel, in the order of the navigation.
import type { PageEntry } from './page';
import { OverviewPage } from './overview';
import { TopologyPage } from './topology';
import { TracesPage } from './traces';
import { LogsPage } from './logs';
import { MetricsPage } from './metrics';
import { VersionsPage } from './versions';
import { EffectsPage } from './effects';
import { ModulesPage } from './modules';
import { DeploymentsPage } from './deployments';
import { ScalingPage } from './scaling';
import { ConfigPage } from './config';
import { AuditPage } from './audit';
import { PlaygroundPage } from '../playground/lazy-page';
import { LoginPage } from './login';
import { EnrollPage } from './enroll';
import { NotFoundPage } from './not-found';

export const PAGES: PageEntry[] = [
  { path: '', title: 'Overview', key: 'o', component: OverviewPage },
  { path: 'topology', title: 'Topology', key: 'g', component: TopologyPage },
  { path: 'traces', title: 'Traces', key: 't', component: TracesPage },
  { path: 'logs', title: 'Logs', key: 'l', component: LogsPage },
  { path: 'metrics', title: 'Metrics', key: 'm', component: MetricsPage },
  { path: 'versions', title: 'Versions', key: 'v', component: VersionsPage },
  { path: 'effects', title: 'Effects', key: 'e', component: EffectsPage },
  { path: 'modules', title: 'Modules', key: 'u', component: ModulesPage },
  { path: 'deployments', title: 'Deployments', key: 'd', component: DeploymentsPage },
  { path: 'scaling', title: 'Scaling', key: 's', component: ScalingPage },
  { path: 'config', title: 'Config', key: 'c', component: ConfigPage },
  { path: 'audit', title: 'Audit log', key: 'a', component: AuditPage },
  { path: 'playground', title: 'Playground', key: 'p', component: PlaygroundPage },
  { path: 'login', title: 'Sign in', public: true, component: LoginPage },
  { path: 'enroll', title: 'Enroll', public: true, component: EnrollPage },
];

const NOT_FOUND: PageEntry = { path: '*', title: 'Not found', component: NotFoundPage };

export function pageFor(path: string): PageEntry {
  const first = path.split('/')[0] ?? '';
  if (first === 'overview') return PAGES[0]!;
  return PAGES.find((page) => page.path === first) ?? NOT_FOUND;
}
