import { SiteHeader } from "@/app/_components/site-header";

export default function AuthLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <div className="flex min-h-screen flex-col">
      <SiteHeader homeHref="/" />
      <main className="mx-auto w-full max-w-md flex-1 px-4 py-8 sm:py-14">{children}</main>
    </div>
  );
}
