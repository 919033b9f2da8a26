// The app's name comes from its folder: it must be a valid npm package name (and a valid Gati
// config `name`), so a folder like "My App" becomes "my-app".

/** The npm name made from a folder name, or undefined when nothing usable is left. */
export function appNameFromFolder(folder: string): string | undefined {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-') // npm names are URL-safe and lowercase
    .replace(/^[^a-z0-9]+/, '') // and may not start with "." or "_" (the config wants [a-z0-9] first)
    .replace(/-+$/, '')
    .slice(0, 214); // npm's length limit
  return name === '' || name === 'node_modules' ? undefined : name;
}
