import { z } from 'zod';
import type { Caller, Role } from '../../platform/http.js';
import { CreatedPosition } from '../../platform/pagination.js';
import type { AdminShopRow, ShopRow, UserRow } from './identity.repo.js';
import { SHOP_STATUSES } from './shops.state.js';

export const Email = z.email().max(254);
export const Id = z.string().min(1).max(64);

export const RegisterBody = z.strictObject({
  email: Email,
  // Length and commonness are checked by the password policy, which names the rule broken.
  password: z.string(),
  name: z.string().trim().min(1).max(200),
});

export const LoginBody = z.strictObject({
  email: z.string().max(254),
  password: z.string().max(1024),
  /** A TOTP code or a recovery code, for accounts with two-factor sign-in. */
  otp: z.string().max(64).optional(),
});

export const ChangePasswordBody = z.strictObject({
  current_password: z.string().max(1024),
  new_password: z.string(),
});

export const OpenShopBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(5000).optional(),
});

const VACATION_MAX_DAYS = 366;

export const VacationInput = z
  .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((v) => Date.parse(v.from) < Date.parse(v.to), {
    message: '`to` must be after `from`',
    path: ['to'],
  })
  .refine((v) => Date.parse(v.to) - Date.parse(v.from) <= VACATION_MAX_DAYS * 86_400_000, {
    message: `a vacation lasts at most ${VACATION_MAX_DAYS} days`,
    path: ['to'],
  });

export const UpdateShopBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(5000).optional(),
  /** Days after delivery a buyer may ask for a return; 0 = no returns. */
  return_window_days: z.number().int().min(0).max(365).optional(),
  /** Working days the shop takes to ship a paid order. */
  handling_days: z.number().int().min(0).max(60).optional(),
  support_email: Email.nullable().optional(),
  /** While now is in [from, to) the shop's products are not listed or buyable; null ends it. */
  vacation: VacationInput.nullable().optional(),
});

export const ShopActionBody = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });

export const IdParams = z.strictObject({ id: Id });

export const ShopRef = z.object({ id: z.string(), name: z.string() });

export const User = z.object({
  id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  name: z.string(),
  roles: z.array(z.enum(['buyer', 'seller', 'admin'])),
  shop: ShopRef.nullable(),
  created_at: z.string(),
  two_factor_enabled: z.boolean(),
});

export const AuthAnswer = z.object({ user: User, token: z.string() });

export const ShopStatusSchema = z.enum(SHOP_STATUSES);

export const Shop = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  rating: z.object({ average: z.number(), count: z.number().int() }),
  status: ShopStatusSchema,
  return_window_days: z.number().int(),
  handling_days: z.number().int(),
  support_email: z.string().nullable(),
  vacation: z.object({ from: z.string(), to: z.string() }).nullable(),
  created_at: z.string(),
});

/** The shop as its seller and admins see it: why an admin last changed its status. */
export const OwnShop = Shop.extend({ status_reason: z.string().nullable() });

export const AdminShop = OwnShop.extend({
  owner: z.object({ id: z.string(), name: z.string(), email: z.string(), suspended: z.boolean() }),
});

export const ShopsCursor = CreatedPosition;

export const UsersCursor = CreatedPosition;

export const AdminUsersQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional().describe('part of the name or email, or the id'),
  role: z.enum(['buyer', 'seller', 'admin']).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional(),
});

export const AdminShopsQuery = z.strictObject({
  status: ShopStatusSchema.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional(),
});

export const AdminUser = User.extend({ suspended: z.boolean(), suspended_at: z.string().nullable() });

export const presentCaller = (caller: Caller): z.infer<typeof User> => ({
  id: caller.id,
  email: caller.email,
  email_verified: caller.emailVerified,
  name: caller.name,
  roles: caller.roles,
  shop: caller.shop,
  created_at: caller.createdAt.toISOString(),
  two_factor_enabled: caller.twoFactorEnabled,
});

export const presentShop = (shop: ShopRow): z.infer<typeof Shop> => ({
  id: shop.id,
  name: shop.name,
  description: shop.description,
  rating: {
    average: shop.ratingCount === 0 ? 0 : Math.round((shop.ratingSum / shop.ratingCount) * 100) / 100,
    count: shop.ratingCount,
  },
  status: shop.status,
  return_window_days: shop.returnWindowDays,
  handling_days: shop.handlingDays,
  support_email: shop.supportEmail,
  vacation:
    shop.vacationFrom && shop.vacationTo
      ? { from: shop.vacationFrom.toISOString(), to: shop.vacationTo.toISOString() }
      : null,
  created_at: shop.createdAt.toISOString(),
});

export const presentOwnShop = (shop: ShopRow): z.infer<typeof OwnShop> => ({
  ...presentShop(shop),
  status_reason: shop.statusReason,
});

export const presentAdminShop = (shop: AdminShopRow): z.infer<typeof AdminShop> => ({
  ...presentOwnShop(shop),
  owner: { id: shop.ownerId, name: shop.ownerName, email: shop.ownerEmail, suspended: shop.ownerSuspended },
});

/** A user as the API shows one, from its row: what `presentCaller` shows of a signed-in caller. */
export const presentUser = (
  user: UserRow,
  roles: Role[],
  shop: Pick<ShopRow, 'id' | 'name'> | undefined,
): z.infer<typeof User> => ({
  id: user.id,
  email: user.email,
  email_verified: user.emailVerifiedAt !== null,
  name: user.name,
  roles,
  shop: shop ? { id: shop.id, name: shop.name } : null,
  created_at: user.createdAt.toISOString(),
  two_factor_enabled: user.twoFactorEnabled,
});

export const presentAdminUser = (
  user: UserRow,
  roles: Role[],
  shop: Pick<ShopRow, 'id' | 'name'> | undefined,
): z.infer<typeof AdminUser> => ({
  ...presentUser(user, roles, shop),
  suspended: user.suspendedAt !== null,
  suspended_at: user.suspendedAt?.toISOString() ?? null,
});

export const PasswordResetBody = z.strictObject({ email: z.string().max(254) });
export const PasswordResetConfirmBody = z.strictObject({
  token: z.string().min(1).max(200),
  new_password: z.string(),
});
export const TokenBody = z.strictObject({ token: z.string().min(1).max(200) });
export const ChangeEmailBody = z.strictObject({
  new_email: Email,
  current_password: z.string().max(1024),
});
export const UserAnswer = z.object({ user: User });
export const Accepted = z.object({}).describe('Accepted: the email is on its way');
