/**
 * Every fixed string a participant reads in the rating app, with its English default. A study in
 * another language overrides any of them with `instrument.text` (keys as below; `{name}` marks a
 * value filled in by the app). Study content (posts, replies, questions, consent) comes from the
 * manifest and is not here.
 */
export const PARTICIPANT_TEXT = {
  lang: 'en',
  // The frame of every page.
  'layout.progress': '{done} of {total} replies rated',
  'layout.progress_pairs': '{done} of {total} replies and pairs rated',
  'layout.progress_label': 'Progress',
  'layout.leave': 'Leave the study',
  // Entry.
  'welcome.title': 'Welcome',
  'welcome.body': 'In this study you will read short posts in which people ask for support, and rate replies to them.',
  'welcome.start': 'Start',
  'prolific_only.title': 'Please start from Prolific',
  'prolific_only.body': 'This study is taken through Prolific. Please open it from your Prolific dashboard.',
  'wrong_study.title': 'This link belongs to another study',
  'wrong_study.body': 'The link you followed was made for a different study. Please open this study again from your Prolific dashboard.',
  'open_elsewhere.title': 'This study is already open elsewhere',
  'open_elsewhere.body': 'A session for this Prolific ID is already open in another browser. Please go on there, or open the study again from your Prolific dashboard on this device.',
  'full.title': 'This study is full',
  'full.body': 'Every reply already has all the ratings it needs, so there is no place left. Thank you for your interest.',
  'full.prolific': 'If you came from Prolific, please return your submission there (choose "Stop without completing" or "Return submission"). You will not be penalised.',
  'already_rated.title': 'You have already taken part',
  'already_rated.body': 'Our records show that you have already rated replies in this study, so you cannot take part again. Thank you for your interest.',
  'blocked.title': 'You cannot take part in this study',
  'blocked.body': 'The researcher has closed this study for your ID. If you came from Prolific, please return your submission there.',
  'paused.title': 'The study is paused',
  'paused.body': 'The study is not taking new participants at the moment. Please try again later; if you came from Prolific, you can return your submission there without penalty.',
  'closed.title': 'The study is closed',
  'closed.body': 'The study has all the participants it needs. Thank you for your interest. If you came from Prolific, please return your submission there.',
  // Consent and instructions.
  'consent.title': 'Consent',
  'consent.heading': 'Before you start',
  'consent.question': 'Do you agree to take part?',
  'consent.yes': 'Yes, I agree to take part',
  'consent.no': 'No, I do not want to take part',
  'consent.continue': 'Continue',
  'consent.error': 'Please choose whether you agree to take part.',
  'instructions.title': 'Instructions',
  'instructions.heading': 'What you will do',
  'instructions.questions_one': 'For each reply you will answer one question:',
  'instructions.questions_many': 'For each reply you will answer {n} questions:',
  'instructions.scale': '{question} (1 to {points})',
  'instructions.keys': 'Tip: on a keyboard, press 1 to {max} to choose an option, and Enter to go on.',
  'instructions.keys_toggle': 'Use the number keys to choose options',
  'instructions.start': 'Start',
  // The comprehension check.
  'comprehension.title': 'A check question',
  'comprehension.heading': 'A quick check',
  'comprehension.wrong': 'That answer is not right. Please read the instructions again.',
  'comprehension.wrong_one_left': 'That answer is not right. Please read the instructions again (1 attempt left).',
  'comprehension.wrong_left': 'That answer is not right. Please read the instructions again ({left} attempts left).',
  // Posts and replies.
  'post.title': 'Post {index} of {of}',
  'post.lead': 'Read this post carefully. On the next pages you will rate replies to it, one at a time.',
  'post.label': 'The post',
  'post.continue': 'Continue to the replies',
  'reply.title': 'Reply {n} of {of}',
  'reply.heading': 'Reply {n} of {of} to this post',
  'reply.label': 'The reply',
  'reply.next': 'Next',
  'reply.comment': 'Anything you want to add about this reply? (optional)',
  'reply.comment_too_long': 'Please keep your comment under {max} characters.',
  'scale.lowest': 'lowest',
  'scale.highest': 'highest',
  'scale.required': 'Please choose one option.',
  'scale.range': 'Choose a value from 1 to {points}.',
  'slider.hint': 'Click or tap the line, or focus it and use the arrow keys. The marker appears where you set it.',
  'slider.required': 'Please set the slider (click or tap the line).',
  'slider.range': 'Choose a whole number from 0 to 100.',
  'slider.value': 'Your answer (0 to 100)',
  'slider.unset': 'not set yet',
  'instructions.slider': '{question} (a slider from 0 to 100)',
  'instructions.items': '{question} ({n} statements, 1 to {points} each)',
  'instructions.pairs': 'After the replies to a post, you will see pairs of them side by side: {question}',
  // Pairs of replies.
  'pair.title': 'Pair {n} of {of}',
  'pair.heading': 'Two replies to this post ({n} of {of})',
  'pair.left': 'Reply A',
  'pair.right': 'Reply B',
  'pair.choose_left': 'Reply A',
  'pair.choose_right': 'Reply B',
  'pair.clearly_left': 'Reply A, clearly',
  'pair.slightly_left': 'Reply A, slightly',
  'pair.slightly_right': 'Reply B, slightly',
  'pair.clearly_right': 'Reply B, clearly',
  'pair.next': 'Next',
  // Attention checks and demographics.
  'attention.title': 'A question',
  'attention.next': 'Next',
  'choice.required': 'Please choose one option.',
  'demographics.title': 'About you',
  'demographics.heading': 'Almost done: a few questions about you',
  'demographics.finish': 'Finish',
  'demographics.optional': 'Optional.',
  'demographics.required': 'Please answer this question.',
  'demographics.number': 'Please enter a number.',
  'demographics.choice': 'Please choose one of the options.',
  'demographics.too_long': 'Please keep your answer under 500 characters.',
  'demographics.age': 'How old are you?',
  'demographics.gender': 'What is your gender?',
  'demographics.gender_woman': 'Woman',
  'demographics.gender_man': 'Man',
  'demographics.gender_nonbinary': 'Non-binary',
  'demographics.gender_self': 'Prefer to self-describe',
  'demographics.gender_none': 'Prefer not to say',
  'demographics.self_describe': 'Your description (optional)',
  // The end of a session.
  'done.title': 'Thank you',
  'done.heading': 'Thank you, you have finished the study',
  'done.code': 'Your completion code is:',
  'done.redirect': 'You will be taken back to Prolific in a few seconds. If nothing happens, use this link:',
  'done.link': 'Return to Prolific and record your completion',
  'done.saved': 'Your answers are saved. You can close this page.',
  'screened_out.title': 'Thank you for your time',
  'screened_out.body': 'The answers to the check questions did not match the instructions, so we cannot continue with the study.',
  'screened_out.prolific': 'Please return to Prolific with the code below; you will be paid for your time as the study listing says.',
  'screened_out.no_code': 'If you came from Prolific, please return your submission there (choose "Stop without completing" or "Return submission"). You will not be penalised.',
  'screened_out.link': 'Return to Prolific',
  'declined.title': 'You have chosen not to take part',
  'declined.body': 'Nothing has been recorded. Thank you for considering the study.',
  'declined.prolific': 'Please return to Prolific with the code below, or return your submission there. You will not be penalised.',
  'declined.link': 'Return to Prolific',
  'left.title': 'You have left the study',
  'left.body': 'Nothing more will be recorded. If you came from Prolific, please return your submission there (choose "Stop without completing"). You will not be penalised for returning.',
  'time_up.title': 'The time for this session is up',
  'time_up.body': 'This session was not finished within its time limit, so its place has gone to another participant. The answers you gave are saved.',
  'time_up.prolific': 'If you came from Prolific, please return your submission there (choose "Stop without completing" or "Return submission"). If you think you should be paid for the time you spent, send the researcher a message through Prolific.',
  'answered.notice': 'That page was already answered, perhaps in another tab or window. Here is where you are now.',
  // Leaving.
  'leave.title': 'Leave the study?',
  'leave.heading': 'Do you want to leave the study?',
  'leave.body': 'The answers you have given so far are saved. If you leave, you cannot come back to finish, and you will not get a completion code.',
  'leave.stay': 'No, go back to the study',
  'leave.confirm': 'Yes, leave the study',
  // Errors.
  'error.not_found.title': 'Page not found',
  'error.not_found.body': 'There is nothing at this address. Please use the link you were given.',
  'error.bad_link.title': 'Something is wrong with this link',
  'error.bad_link.body': 'This study link is incomplete or damaged. Please open the study again from Prolific.',
  'error.damaged': 'This page is damaged. Please reload it.',
  'error.no_session.title': 'Please open the study again',
  'error.no_session.body': 'We could not find your session. Please open the study again from the link you were given.',
  'error.expired.title': 'This page has expired',
  'error.expired.body': 'This page has expired. Please reload it and answer again.',
  'error.too_much.title': 'Too much text',
  'error.too_much.body': 'That was too much text to send. Please shorten your answer.',
  'error.rate.title': 'Please wait a moment',
  'error.rate.body': 'Too many people are starting from this network at once. Please wait a minute and reload.',
  'error.unavailable.title': 'Please try again in a minute',
  'error.unavailable.body': 'The study cannot save or show answers right now. Everything you have answered so far is saved; please reload this page in a minute. (Error {id})',
  'error.internal.title': 'Something went wrong',
  'error.internal.body': 'Your answers so far are saved. Please reload the page in a moment. (Error {id})',
} as const;

export type TextKey = keyof typeof PARTICIPANT_TEXT;
export const TEXT_KEYS = Object.keys(PARTICIPANT_TEXT) as [TextKey, ...TextKey[]];

/** The study's text: `t(key, values)` gives the override or the default with `{name}`s filled in. */
export type Text = (key: TextKey, values?: Readonly<Record<string, string | number>>) => string;

export function participantText(overrides: Readonly<Partial<Record<TextKey, string>>> = {}): Text {
  return (key, values = {}) => (overrides[key] ?? PARTICIPANT_TEXT[key]).replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

/**
 * The consent text when the manifest gives none: what a research ethics board asks to be named.
 * `{minutes}` is the median session length `plan` estimates; `{contact}` the manifest's contact.
 */
export const DEFAULT_CONSENT = `**What this study is about.** Researchers want to learn how people perceive replies to others who ask for support. You will read short posts that people wrote when they asked for help, and rate replies to them.

**How long it takes.** About {minutes} minutes.

**Payment.** As stated in the study listing on Prolific, paid through Prolific when you finish.

**Please note.** Some posts describe distressing situations, such as anxiety, anger, conflict at work or in relationships, and illness. You can stop at any time.

**What is kept.** Your ratings, your answers to the questions about you, how long each page took, and your Prolific ID. Nothing else about you is recorded. The data are analysed in anonymised form and may be shared with other researchers without your Prolific ID.

**Taking part is voluntary.** You can leave at any time with "Leave the study" at the bottom of each page, without giving a reason. To have your answers deleted, contact the researcher with your Prolific ID.

**Contact.** {contact}`;
