import { href } from '../router';
import { PageHeader } from '../components/ui';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="No such page" />
      <p>
        <a href={href('')}>Back to the overview</a>
      </p>
    </>
  );
}
