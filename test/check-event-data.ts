import { checkEventData } from '../src/platform/events.js';

// Every event a test appends is parsed against its published schema (production only checks the
// type is catalogued), so a presenter that drifts from its event schema fails the tests.
checkEventData(true);
