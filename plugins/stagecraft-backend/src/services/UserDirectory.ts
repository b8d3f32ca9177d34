import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Actor, Directory } from '../domain/ports';

/**
 * Whose groups an actor is in: a user's ownership refs from Backstage's user
 * info (their own ref and their groups'); services own nothing.
 */
export function userDirectory(userInfo: UserInfoService): Directory {
  return {
    ownershipOf: async (actor: Actor) => {
      const credentials = actor.credentials as BackstageCredentials | undefined;
      if (
        !credentials ||
        (credentials.principal as { type?: string }).type !== 'user'
      ) {
        return [];
      }
      return (await userInfo.getUserInfo(credentials)).ownershipEntityRefs;
    },
  };
}
