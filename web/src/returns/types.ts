import type { paths } from '../api/schema';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type Return = Json<paths['/v1/returns/{id}']['get']['responses'][200]>;
export type ReturnStatus = Return['status'];
export type ReturnReason = Return['reason'];
