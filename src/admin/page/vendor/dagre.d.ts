// Types of the layout library the server serves at /assets/vendor/dagre.js (from node_modules).
export * from '@dagrejs/dagre'
export { default } from '@dagrejs/dagre'
