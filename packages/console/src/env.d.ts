// Stylesheets are bundled by Vite; TypeScript only needs to know the import is allowed.
declare module '*.css';

// Vite's `?url` imports (an asset's URL after the build): the QuickJS engine a wallet's local runs load.
declare module '*?url' {
  const url: string;
  export default url;
}
