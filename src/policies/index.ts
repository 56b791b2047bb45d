/** @module policies — consistency policies as data: schema, parsing with fixes, field ownership, the plan the engine runs, alert evaluation, echo watermarks. */
export * from './consistency-policy-schema.ts'
export * from './consistency-policy-parse.ts'
export * from './consistency-policy-plan.ts'
export * from './field-ownership.ts'
export * from './echo-watermark.ts'
export * from './alert-evaluator.ts'
