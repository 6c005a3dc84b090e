/**
 * Long fault runs are opt-in (`SPLITBRAIN_NIGHTLY=1`): `npm test` keeps one representative real run
 * per feature and stays within its ~10 minute budget on two cores; the nightly set runs the rest.
 */
export const NIGHTLY = process.env.SPLITBRAIN_NIGHTLY === '1';
