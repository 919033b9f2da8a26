// GET /hello?name=Ada. Without a `route` export the route comes from the file path.
import type { Handler, tags } from 'gati';

export const handler: Handler<{ query: { name?: string & tags.MaxLength<40> } }, { message: string }> = async (req) => {
  return { message: `Hello, ${req.query.name ?? 'world'}!` };
};
