// What every page gets, and how the page list describes one.
import type { ComponentChildren } from 'preact';
import type { SessionInfo } from '../../runtime-shim/control/api-types';
import type { Location } from '../router';

export interface PageProps {
  where: Location;
  session: SessionInfo | undefined;
}

export interface PageEntry {
  /** The path after /_control/ ('' is the overview); a page also answers `<path>/<id>`. */
  path: string;
  title: string;
  /** The key after `g` that opens it. */
  key?: string;
  /** Opens without a session (login, enroll). */
  public?: boolean;
  component: (props: PageProps) => ComponentChildren;
}
