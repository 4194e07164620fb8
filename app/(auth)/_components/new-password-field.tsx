import { TextField, type TextFieldProps } from "@/app/_components/text-field";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";

/** A field for choosing a password (sign-up, accepting an invitation): the password policy's input attributes. */
export function NewPasswordField(props: TextFieldProps) {
  return <TextField type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} {...props} />;
}
