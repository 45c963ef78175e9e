// The page's one way to write markup: htm's tagged templates bound to Preact, so there is no JSX build step.
export { html } from 'htm/preact';
export { render } from 'preact';
export { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
