// What each admin refusal means to an operator, and the exit code a command ends with: a
// refusal is not an outage, and an unknown outcome is neither (list the members to find out).
import type { AdminError } from '@kvraft/transport';

/** Exit code of an admin command the cluster refused (typed refusal). */
export const refusedExitCode = 1;
/** Exit code when no leader could be reached through --servers. */
export const unreachableExitCode = 2;
/** Exit code when the change was sent but its outcome is unknown (Timeout). */
export const unknownOutcomeExitCode = 3;

const explanations: Record<AdminError, string> = {
  NotLeader: 'the node asked does not lead and knows no leader; retry when one is elected',
  UnknownMember: 'no member has that id',
  AlreadyMember: 'a member with that id exists already',
  AlreadyVoter: 'that member is a voter already',
  ChangeInProgress: 'an earlier membership change or leadership transfer is not done yet; retry',
  RemovesLastVoter: 'removing the last voter would leave nobody to commit anything',
  LearnerNotCaughtUp: "the learner's log lags the leader's; wait until it catches up (member list)",
  NotVoter: 'leadership can only go to a voter; promote the learner first',
  BadRequest: 'the request is malformed',
  Timeout: 'no answer in time: the outcome is unknown (run `kvraft member list`)',
};

/** One line explaining `error` (plus the server's message, if any). */
export function refusalText(error: AdminError, message?: string): string {
  return message === undefined
    ? `${error}: ${explanations[error]}`
    : `${error}: ${explanations[error]} (${message})`;
}

/** The exit code for a refusal. */
export function refusalExitCode(error: AdminError): number {
  return error === 'Timeout' ? unknownOutcomeExitCode : refusedExitCode;
}
