export { resolveVersion, parseTimestamp, VERSION_PROBLEM_TYPE, type ReleasedVersion, type VersionProblem, type VersionResolution } from './resolve.js';
export { composeMigrations, type ComposedMigration, type Migrations, type VersionStep } from './compose.js';
